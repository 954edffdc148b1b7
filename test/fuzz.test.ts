import fc from "fast-check";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliver, issuesOpened } from "../stand-ins/payloads.ts";
import { toolRegistry } from "../tool-server/tool-registry.ts";
import { startSystem, toolServerKey, webhookSecret, type System } from "./support/system.ts";

// Counted across the file and printed at the end for the note.
const counts: Record<string, number> = {};
const count = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);

let system: System;
beforeAll(async () => {
  system = await startSystem({ script: () => ({ content: "" }) });
});
afterAll(async () => {
  process.stdout.write(`fuzz cases: ${JSON.stringify(counts)}\n`);
  await system.close();
});

const json = fc.jsonValue({ maxDepth: 6 });
const header = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 60 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);

describe("the webhook endpoint under hostile input", () => {
  it("never answers 5xx and stores nothing for unsigned or wrongly signed requests", async () => {
    const before = await system.stores.deliveries.counts();
    await fc.assert(
      fc.asyncProperty(
        json,
        header,
        header,
        fc.oneof(fc.constant(null), fc.string({ maxLength: 80 }), fc.constant("sha256=" + "0".repeat(64))),
        async (payload, event, delivery, signature) => {
          count("webhook, unsigned");
          const response = await deliver(system.webhookUrl, {
            event: event ?? "issues",
            payload,
            secret: webhookSecret,
            signature,
            headers: { "x-github-delivery": delivery ?? null },
          });
          // Refused from the headers alone: no signature is 401, then a missing GitHub header 400,
          // and a full set whose signature is wrong 401 once the body is read.
          const unsigned = !signature?.trim();
          const complete = (event ?? "issues").trim() !== "" && (delivery ?? "").trim() !== "";
          expect(response.status).toBe(unsigned || complete ? 401 : 400);
          await response.arrayBuffer();
        },
      ),
      { numRuns: 150 },
    );
    expect(await system.stores.deliveries.counts()).toEqual(before);
  });

  it("never answers 5xx to signed requests with arbitrary events and JSON", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom("issues", "ping", "issue_comment", "push"),
          fc.string({ minLength: 1, maxLength: 30 }).filter((s) => /^[\x21-\x7e]+$/.test(s)),
        ),
        fc.oneof(
          json,
          fc.record({ action: fc.constantFrom("opened", "edited"), issue: json, repository: json, sender: json }),
        ),
        async (event, payload) => {
          count("webhook, signed");
          const response = await deliver(system.webhookUrl, { event, payload, secret: webhookSecret });
          expect([200, 202, 400]).toContain(response.status);
          await response.arrayBuffer();
        },
      ),
      { numRuns: 150 },
    );
  });

  it("answers 400 to deeply nested JSON without crashing", async () => {
    const body = "[".repeat(200_000) + "]".repeat(200_000);
    const response = await deliver(system.webhookUrl, {
      event: "issues",
      payload: null,
      rawBody: body,
      secret: webhookSecret,
    });
    expect(response.status).toBe(400);
    expect((await fetch(`${system.relayUrl}/health`)).status).toBe(200);
  });

  it("answers 431 to headers over 16 KB", async () => {
    const response = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
      headers: { "x-padding": "x".repeat(20_000) },
    });
    expect(response.status).toBe(431);
  });
});

describe("the webhook endpoint against a slow client", () => {
  // Shortened from the 10 s default, so the test waits a fraction of a second for the cut.
  const headersTimeoutMs = 300;
  let slow: System;
  beforeAll(async () => {
    slow = await startSystem({
      script: () => ({ content: "" }),
      relayEnv: { HTTP_HEADERS_TIMEOUT_MS: String(headersTimeoutMs) },
    });
  });
  afterAll(() => slow.close());

  it("cuts off a client that sends headers too slowly (HTTP_HEADERS_TIMEOUT_MS), and keeps serving others", async () => {
    const url = new URL(slow.webhookUrl);
    let answer = "";
    const started = Date.now();
    const socket = connect(Number(url.port), url.hostname, () =>
      socket.write("POST /webhook/github HTTP/1.1\r\nHost: x\r\n"),
    );
    const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now() - started)));
    socket.on("error", () => {});
    // Read what the server says, or the socket never sees the end.
    socket.on("data", (d: Buffer) => (answer += d.toString()));
    // The slow client holds a connection, not the server: others are still served.
    expect((await fetch(`${slow.relayUrl}/health`)).status).toBe(200);
    const after = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(after).toBeGreaterThanOrEqual(headersTimeoutMs - 50);
    // Not the 10 s default: the setting is what cut it off.
    expect(after).toBeLessThan(5_000);
    expect((await fetch(`${slow.relayUrl}/health`)).status).toBe(200);
  });
});

describe("the tool endpoints under hostile input", () => {
  for (const tool of toolRegistry.map((t) => t.name)) {
    it(`never answers 5xx to arbitrary bodies on ${tool}, and writes nothing it should not`, async () => {
      system.github.addIssue({ owner: "octo", repo: "app", number: 1, title: "t", body: "b" });
      const field = fc.oneof(json, fc.string({ maxLength: 40 }), fc.integer());
      // Every field the tool takes, each given anything or left out.
      const names = Object.keys(toolRegistry.find((t) => t.name === tool)!.input.shape);
      const arguments_ = Object.fromEntries(names.map((name) => [name, field]));
      await fc.assert(
        fc.asyncProperty(fc.oneof(json, fc.record(arguments_, { requiredKeys: [] })), async (body) => {
          count(`tool ${tool}`);
          const response = await fetch(`${system.toolServerUrl}/${tool}`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${toolServerKey}` },
            body: JSON.stringify(body),
          });
          expect(response.status).toBeLessThan(500);
          const answer = (await response.json()) as { detail?: unknown };
          if (response.status >= 400) expect(typeof answer.detail).toBe("string");
        }),
        // The two tools that were here first keep their count; the newer ones take fewer runs each.
        { numRuns: tool === "get_issue" || tool === "post_issue_comment" ? 150 : 60 },
      );
      // Only octo/app#1 exists and is allowed: nothing can have been written anywhere else.
      expect(
        system.github.allComments().every((c) => c.owner === "octo" && c.repo === "app" && c.issue_number === 1),
      ).toBe(true);
    });
  }

  it("answers 413 to a tool call body over 256 KB", async () => {
    const response = await fetch(`${system.toolServerUrl}/get_issue`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${toolServerKey}` },
      body: JSON.stringify({ owner: "octo", repo: "app", issue_number: 1, pad: "x".repeat(300_000) }),
    });
    expect(response.status).toBe(413);
  });

  it("answers 400, not 5xx, to a body that is not JSON at all", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        count("tool, raw text");
        const response = await fetch(`${system.toolServerUrl}/get_issue`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${toolServerKey}` },
          body: text,
        });
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
      }),
      { numRuns: 100 },
    );
  });
});
