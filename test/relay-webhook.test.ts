import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRepoAllowList } from "../github/repo-allow-list.ts";
import { listen, type Listening } from "../lib/listen.ts";
import { silentLogger } from "../lib/logger.ts";
import { createWebhookHandler } from "../relay/webhook-handler.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { deliver, examplePayload, issuesOpened, signBody } from "../stand-ins/payloads.ts";

const secret = "webhook-secret-for-tests";

describe("relay webhook endpoint", () => {
  let dataDir: string;
  let stores: RelayStores;
  let server: Listening;
  let url: string;
  let queued: number;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "relay-webhook-"));
    stores = await openSqliteRelayStores({ dataDir });
    queued = 0;
    const handler = createWebhookHandler({
      secret,
      deliveries: stores.deliveries,
      allowList: parseRepoAllowList(["Codertocat/Hello-World"]).allowList,
      ownLogin: () => "openwebui-ai-bot",
      onQueued: () => queued++,
      logger: silentLogger,
      maxBodyBytes: 64 * 1024,
    });
    server = await listen((req, res) => void handler(req, res), 0, "127.0.0.1");
    url = server.url + "/webhook/github";
  });

  afterEach(async () => {
    await server.close();
    await stores.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function stored() {
    return stores.deliveries.counts();
  }

  it("stores a signed issues.opened delivery durably and answers 202 before any work", async () => {
    const response = await deliver(url, { event: "issues", payload: issuesOpened(), secret });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "queued", delivery: response.deliveryId });
    const record = await stores.deliveries.findByDeliveryId(response.deliveryId);
    expect(record).toMatchObject({
      status: "pending",
      event: "issues",
      action: "opened",
      repository: "Codertocat/Hello-World",
      issueNumber: 1,
    });
    expect(JSON.parse(record!.payload!)).toEqual(issuesOpened());
    expect(queued).toBe(1);
    // Durable: a second connection to the same file sees it.
    const reopened = await openSqliteRelayStores({ dataDir });
    expect((await reopened.deliveries.findByDeliveryId(response.deliveryId))?.status).toBe("pending");
    await reopened.close();
  });

  it("answers 202 to the same delivery again without storing or queueing it twice", async () => {
    const first = await deliver(url, { event: "issues", payload: issuesOpened(), secret });
    const again = await deliver(url, {
      event: "issues",
      payload: issuesOpened(),
      secret,
      deliveryId: first.deliveryId,
    });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ status: "duplicate" });
    expect((await stored()).pending).toBe(1);
    expect(queued).toBe(1);
  });

  it("queues a failed or dead-lettered delivery again when GitHub redelivers it", async () => {
    const first = await deliver(url, { event: "issues", payload: issuesOpened(), secret });
    const key = "issues.opened:codertocat/hello-world#1";
    const claimed = await stores.queue.claim(60_000);
    await stores.queue.finish(claimed!.lease, { status: "dead", reason: "gave up" });
    const again = await deliver(url, {
      event: "issues",
      payload: issuesOpened(),
      secret,
      deliveryId: first.deliveryId,
    });
    expect(await again.json()).toMatchObject({ status: "queued", redelivered: true });
    expect(await stores.deliveries.get(key)).toMatchObject({ status: "pending", attempts: 0 });
    expect(queued).toBe(2);
  });

  it("treats the same GUID sent to another hook as another delivery when it starts no run", async () => {
    const payload = { ...examplePayload("issues", "edited") };
    const first = await deliver(url, { event: "issues", payload, secret, hookId: "1" });
    await deliver(url, { event: "issues", payload, secret, hookId: "2", deliveryId: first.deliveryId });
    expect((await stored()).ignored).toBe(2);
  });

  it("rejects a delivery whose signature was made with another secret, storing nothing", async () => {
    const response = await deliver(url, { event: "issues", payload: issuesOpened(), secret: "another-secret" });
    expect(response.status).toBe(401);
    expect((await response.json()).detail).toMatch(/GITHUB_WEBHOOK_SECRET/);
    expect(await stored()).toEqual({ pending: 0, running: 0, done: 0, failed: 0, ignored: 0, dead: 0 });
  });

  it("rejects a delivery without a signature, or with a body changed after signing", async () => {
    const body = JSON.stringify(issuesOpened());
    expect(
      (await deliver(url, { event: "issues", payload: null, rawBody: body, secret, signature: null })).status,
    ).toBe(401);
    const tampered = body.replace("Spelling error", "Spelling errors");
    expect(
      (
        await deliver(url, {
          event: "issues",
          payload: null,
          rawBody: tampered,
          secret,
          signature: signBody(secret, body),
        })
      ).status,
    ).toBe(401);
    expect((await stored()).pending).toBe(0);
  });

  it("answers 400 when X-GitHub-Event or X-GitHub-Delivery is missing", async () => {
    expect(
      (await deliver(url, { event: "issues", payload: issuesOpened(), secret, headers: { "x-github-event": null } }))
        .status,
    ).toBe(400);
    expect(
      (await deliver(url, { event: "issues", payload: issuesOpened(), secret, headers: { "x-github-delivery": null } }))
        .status,
    ).toBe(400);
    expect((await stored()).pending).toBe(0);
  });

  it("answers 400 to an empty body, signed or not", async () => {
    expect((await deliver(url, { event: "issues", payload: null, rawBody: "", secret })).status).toBe(400);
    expect((await deliver(url, { event: "issues", payload: null, rawBody: "", secret, signature: null })).status).toBe(
      400,
    );
  });

  it("answers 400 to a signed body that is not JSON", async () => {
    const response = await deliver(url, { event: "issues", payload: null, rawBody: "{not json", secret });
    expect(response.status).toBe(400);
    expect((await response.json()).detail).toMatch(/not valid JSON/);
  });

  it("accepts a hook configured for form-encoded payloads when GITHUB_WEBHOOK_FORM_ENCODED is on", async () => {
    await server.close();
    const handler = createWebhookHandler({
      secret,
      deliveries: stores.deliveries,
      allowList: parseRepoAllowList(["Codertocat/Hello-World"]).allowList,
      ownLogin: () => "openwebui-ai-bot",
      onQueued: () => queued++,
      logger: silentLogger,
      maxBodyBytes: 64 * 1024,
      formEncoded: true,
    });
    server = await listen((req, res) => void handler(req, res), 0, "127.0.0.1");
    url = server.url + "/webhook/github";
    const form = new URLSearchParams({ payload: JSON.stringify(issuesOpened()) }).toString();
    const response = await deliver(url, {
      event: "issues",
      payload: null,
      rawBody: form,
      secret,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(202);
    expect((await stored()).pending).toBe(1);
    // Stored as the JSON itself, which is what the worker reads back.
    expect(JSON.parse((await stores.deliveries.findByDeliveryId(response.deliveryId))!.payload!)).toEqual(
      issuesOpened(),
    );
  });

  it("answers 413 from Content-Length alone, without waiting for the body", async () => {
    // Declares 30 MB but sends 10 bytes: only an early refusal can answer before the request timeout.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": String(30 * 1024 * 1024),
            "x-github-event": "issues",
            "x-github-delivery": "big",
            "x-hub-signature-256": "sha256=00",
          },
        },
        (res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
        },
      );
      req.on("error", reject);
      req.write("0123456789");
    });
    expect(status).toBe(413);
  });

  it("answers 413 to a chunked body that grows past the limit", async () => {
    const big = JSON.stringify({ ...issuesOpened(), padding: "x".repeat(100 * 1024) });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const response = await fetch(url, {
      method: "POST",
      body: stream,
      duplex: "half",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issues",
        "x-github-delivery": "chunked",
        "x-hub-signature-256": signBody(secret, big),
      },
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await stored()).pending).toBe(0);
  });

  it("answers a ping with 200 and stores nothing", async () => {
    const response = await deliver(url, { event: "ping", payload: examplePayload("ping"), secret });
    expect(response.status).toBe(200);
    expect(await stored()).toEqual({ pending: 0, running: 0, done: 0, failed: 0, ignored: 0, dead: 0 });
  });

  it.each([
    ["issues", "edited"],
    ["issues", "labeled"],
    ["issue_comment", "created"],
    ["push", undefined],
  ])("records %s %s as ignored with 202 and queues no work", async (event, action) => {
    const response = await deliver(url, { event, payload: examplePayload(event, action), secret });
    expect(response.status).toBe(202);
    const body = await response.json();
    expect(body).toMatchObject({ status: "ignored" });
    expect(body.reason).toMatch(/is not handled/);
    const record = await stores.deliveries.findByDeliveryId(response.deliveryId);
    expect(record).toMatchObject({ status: "ignored", event, payload: null });
    expect(queued).toBe(0);
  });

  it("ignores an issue opened by a bot", async () => {
    const response = await deliver(url, {
      event: "issues",
      payload: issuesOpened({ senderLogin: "dependabot[bot]", senderType: "Bot" }),
      secret,
    });
    expect(await response.json()).toMatchObject({ status: "ignored", reason: "sender dependabot[bot] is a bot" });
    expect(queued).toBe(0);
  });

  it("ignores an issue opened by the relay's own account", async () => {
    const response = await deliver(url, {
      event: "issues",
      payload: issuesOpened({ senderLogin: "OpenWebUI-AI-Bot" }),
      secret,
    });
    expect((await response.json()).reason).toMatch(/own account/);
    expect(queued).toBe(0);
  });

  it("ignores an issue in a repository outside GITHUB_REPOS", async () => {
    const response = await deliver(url, {
      event: "issues",
      payload: issuesOpened({ owner: "someone", repo: "else" }),
      secret,
    });
    expect(await response.json()).toMatchObject({ status: "ignored", reason: "someone/else is not in GITHUB_REPOS" });
    expect(queued).toBe(0);
  });

  it("answers 400 to a signed issues.opened payload without an issue", async () => {
    const payload = issuesOpened() as Record<string, unknown>;
    delete payload.issue;
    const response = await deliver(url, { event: "issues", payload, secret });
    expect(response.status).toBe(400);
    expect((await response.json()).detail).toMatch(/no issue number/);
  });
});
