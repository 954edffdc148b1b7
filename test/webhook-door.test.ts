import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRepoAllowList } from "../github/repo-allow-list.ts";
import { listen, type Listening } from "../lib/listen.ts";
import { silentLogger } from "../lib/logger.ts";
import { createWebhookHandler, type WebhookHandlerOptions } from "../relay/webhook-handler.ts";
import type { RelayStores } from "../store/stores.ts";
import { deliver, issuesOpened } from "../stand-ins/payloads.ts";
import { spawnRelay, type RelayProcess } from "./support/relay-process.ts";
import { contractBackends, type StorePlace } from "./support/store-backends.ts";

const secret = "webhook-secret-for-the-door-tests";
const hour = 60 * 60 * 1000;

const backends = contractBackends();

describe.each(backends)("the webhook door ($name)", (backend) => {
  let place: StorePlace;
  let stores: RelayStores;
  let server: Listening | undefined;
  let queued: number;

  beforeEach(async () => {
    place = backend.place();
    stores = await place.open({});
    queued = 0;
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await stores.close();
    await place.remove();
  });

  async function start(extra: Partial<WebhookHandlerOptions> = {}) {
    const handler = createWebhookHandler({
      secret,
      deliveries: stores.deliveries,
      allowList: parseRepoAllowList(["Codertocat/Hello-World"]).allowList,
      ownLogin: () => "openwebui-ai-bot",
      onQueued: () => queued++,
      logger: silentLogger,
      ...extra,
    });
    server = await listen((req, res) => void handler(req, res), 0, "127.0.0.1");
    return server.url + "/webhook/github";
  }

  const nothingStored = { pending: 0, running: 0, done: 0, failed: 0, ignored: 0, dead: 0 };

  describe("Content-Type", () => {
    // The attack: an issue's text carries a second form field; the JSON body, signed by GitHub, is
    // resent as a form with the same signature, so a form parser reads the attacker's payload.
    const forged = JSON.stringify(issuesOpened({ number: 999, title: "Forged: close every issue" }));
    const body = JSON.stringify(issuesOpened({ body: `Hello &payload=${encodeURIComponent(forged)}` }));
    const asForm = { "content-type": "application/x-www-form-urlencoded" };

    it("refuses a signed JSON body resent as form-encoded (415), storing nothing", async () => {
      const url = await start();
      const response = await deliver(url, { event: "issues", payload: null, rawBody: body, secret, headers: asForm });
      expect(response.status).toBe(415);
      expect((await response.json()).detail).toMatch(/application\/json.*GITHUB_WEBHOOK_FORM_ENCODED/);
      expect(await stores.deliveries.counts()).toEqual(nothingStored);
      expect(queued).toBe(0);
    });

    it("refuses the same attack when form-encoded hooks are allowed: the body is not one payload= field", async () => {
      const url = await start({ formEncoded: true });
      const response = await deliver(url, { event: "issues", payload: null, rawBody: body, secret, headers: asForm });
      expect(response.status).toBe(400);
      expect((await response.json()).detail).toMatch(/one payload=<JSON> field/);
      // A real form body with a second field after it is refused too.
      const twoFields = `payload=${encodeURIComponent(JSON.stringify(issuesOpened()))}&payload=${encodeURIComponent(forged)}`;
      const second = await deliver(url, {
        event: "issues",
        payload: null,
        rawBody: twoFields,
        secret,
        headers: asForm,
      });
      expect(second.status).toBe(400);
      expect(await stores.deliveries.counts()).toEqual(nothingStored);
    });

    it("refuses any other Content-Type before reading the body, and accepts JSON with a charset", async () => {
      const url = await start();
      const text = await deliver(url, {
        event: "issues",
        payload: issuesOpened(),
        secret,
        headers: { "content-type": "text/plain" },
      });
      expect(text.status).toBe(415);
      const json = await deliver(url, {
        event: "issues",
        payload: issuesOpened(),
        secret,
        headers: { "content-type": "Application/JSON; charset=utf-8" },
      });
      expect(json.status).toBe(202);
    });
  });

  describe("replays", () => {
    it("queues one run for an issues.opened body resent with new delivery ids and hooks", async () => {
      const url = await start();
      const body = JSON.stringify(issuesOpened({ number: 7 }));
      const answers = [];
      for (const hookId of ["1", "1", "2"])
        answers.push(
          await (await deliver(url, { event: "issues", payload: null, rawBody: body, secret, hookId })).json(),
        );
      expect(answers.map((a) => a.status)).toEqual(["queued", "duplicate", "duplicate"]);
      expect((await stores.deliveries.counts()).pending).toBe(1);
      expect(queued).toBe(1);
      expect(await stores.deliveries.get("issues.opened:codertocat/hello-world#7")).toMatchObject({
        status: "pending",
        deliveryId: answers[0].delivery,
      });
    });

    it("replays a dead delivery for GitHub's Redeliver (same GUID) but not for a new GUID", async () => {
      const url = await start();
      const body = JSON.stringify(issuesOpened({ number: 8 }));
      const first = await deliver(url, { event: "issues", payload: null, rawBody: body, secret });
      const claimed = await stores.queue.claim(60_000);
      await stores.queue.finish(claimed!.lease, { status: "dead", reason: "gave up" });
      const other = await deliver(url, { event: "issues", payload: null, rawBody: body, secret });
      expect(await other.json()).toMatchObject({ status: "duplicate" });
      expect((await stores.deliveries.findByDeliveryId(first.deliveryId))?.status).toBe("dead");
      const redelivered = await deliver(url, {
        event: "issues",
        payload: null,
        rawBody: body,
        secret,
        deliveryId: first.deliveryId,
      });
      expect(await redelivered.json()).toMatchObject({ status: "queued", redelivered: true });
      expect((await stores.deliveries.findByDeliveryId(first.deliveryId))?.status).toBe("pending");
      expect(queued).toBe(2);
    });

    it("ignores an opened delivery for an issue created more than 72 hours before it arrives, saying why", async () => {
      const createdAt = "2026-01-01T00:00:00Z";
      let now = Date.parse(createdAt) + 73 * hour;
      const url = await start({ now: () => now });
      const old = await deliver(url, { event: "issues", payload: issuesOpened({ number: 3, createdAt }), secret });
      const answer = await old.json();
      expect(answer).toMatchObject({ status: "ignored" });
      expect(answer.reason).toMatch(/created 2026-01-01T00:00:00.000Z, more than 72 hours/);
      expect(await stores.deliveries.findByDeliveryId(old.deliveryId)).toMatchObject({
        status: "ignored",
        payload: null,
      });
      now = Date.parse(createdAt) + 71 * hour;
      const recent = await deliver(url, { event: "issues", payload: issuesOpened({ number: 4, createdAt }), secret });
      expect(await recent.json()).toMatchObject({ status: "queued" });
      expect(queued).toBe(1);
    });
  });

  describe("before the body", () => {
    /** Sends headers and a few bytes of a body declared far larger; resolves with the answer's status. */
    function partial(url: string, headers: Record<string, string>): Promise<number> {
      return new Promise((resolve, reject) => {
        const req = request(url, { method: "POST", headers }, (res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
        });
        req.on("error", reject);
        req.write("{");
      });
    }
    const github = {
      "content-type": "application/json",
      "content-length": String(20 * 1024 * 1024),
      "x-github-event": "issues",
      "x-github-delivery": "early",
      "x-hub-signature-256": "sha256=" + "0".repeat(64),
    };

    it("refuses a request without GitHub's headers, or with another Content-Type, without waiting for its body", async () => {
      const url = await start();
      const { "x-hub-signature-256": _, ...unsigned } = github;
      expect(await partial(url, unsigned)).toBe(401);
      const { "x-github-event": __, ...noEvent } = github;
      expect(await partial(url, noEvent)).toBe(400);
      expect(await partial(url, { ...github, "content-type": "text/plain" })).toBe(415);
    });

    it("answers 503 with Retry-After, unread, to a body that does not fit in the bytes in flight", async () => {
      const url = await start({ maxBytesInFlight: 30 * 1024 * 1024 });
      // The first holds 20 MB of the 30 while it is (never) sent; the second does not fit.
      void partial(url, github).catch(() => {});
      const answer = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
        const poll = () => {
          const req = request(url, { method: "POST", headers: { ...github, "x-github-delivery": randomUUID() } });
          req.on("response", (res) => {
            res.resume();
            if (res.statusCode === 503) resolve({ status: 503, retryAfter: res.headers["retry-after"] });
            else setTimeout(poll, 20);
          });
          req.on("error", reject);
          req.write("{");
        };
        poll();
      });
      expect(answer).toEqual({ status: 503, retryAfter: "5" });
      // A normal delivery still fits beside the held one.
      expect((await deliver(url, { event: "issues", payload: issuesOpened(), secret })).status).toBe(202);
    });
  });
});

describe("the relay process under many large bodies at once", () => {
  let relay: RelayProcess | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await relay?.kill("SIGKILL");
    relay = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Peak and current resident memory of a process, in MB, from Linux's /proc. */
  function memory(pid: number) {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)![1]);
    return { peakMb: kb("VmHWM") / 1024, rssMb: kb("VmRSS") / 1024 };
  }

  /** Streams `size` bytes with GitHub's headers and a made-up signature; resolves with the status. */
  function sendLarge(url: string, chunk: Buffer, size: number): Promise<number> {
    return new Promise((resolve) => {
      let answered = false;
      const req = request(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": String(size),
          "x-github-event": "issues",
          "x-github-delivery": randomUUID(),
          "x-hub-signature-256": "sha256=" + "0".repeat(64),
        },
      });
      req.on("response", (res) => {
        answered = true;
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      // A refused request is closed under the rest of its body: that is the point.
      req.on("error", () => !answered && resolve(0));
      let sent = 0;
      const write = () => {
        while (sent < size && !answered) {
          const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
          sent += part.length;
          if (!req.write(part)) return void req.once("drain", write);
        }
        if (sent >= size) req.end();
      };
      write();
    });
  }

  it("answers 503 at once to bodies beyond RELAY_WEBHOOK_IN_FLIGHT_MB, keeps its memory bounded, and still takes a delivery", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "webhook-door-relay-"));
    relay = await spawnRelay({
      GITHUB_WEBHOOK_SECRET: secret,
      GITHUB_TOKEN: "ghp_door_test_token_0123456789",
      GITHUB_REPOS: "Codertocat/*",
      GITHUB_BOT_LOGIN: "openwebui-ai-bot",
      GITHUB_API_URL: "http://127.0.0.1:9",
      OPENWEBUI_URL: "http://127.0.0.1:9",
      OPENWEBUI_API_KEY: "sk-door-test",
      PORT: "0",
      DATA_DIR: dataDir,
      RELAY_WORKER: "false",
    });
    const url = `${relay.url}/webhook/github`;
    const pid = relay.child.pid!;
    const before = memory(pid);
    const size = 24 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, "x");
    const started = performance.now();
    const large = Array.from({ length: 24 }, () => sendLarge(url, chunk, size));
    const signed = deliver(url, { event: "issues", payload: issuesOpened({ number: 5 }), secret });
    const statuses = await Promise.all(large);
    const seconds = (performance.now() - started) / 1000;
    const after = memory(pid);
    process.stdout.write(
      `24 x 24 MB bodies with a made-up signature: ${statuses.filter((s) => s === 503).length} answered 503, ` +
        `${statuses.filter((s) => s === 401).length} read and refused 401, ` +
        `${statuses.filter((s) => s === 0).length} closed unanswered, in ${seconds.toFixed(1)} s; relay RSS ` +
        `${before.rssMb.toFixed(0)} MB before, peak ${after.peakMb.toFixed(0)} MB\n`,
    );
    expect((await signed).status).toBe(202);
    // 0: the connection was closed under the body before the 503 could be read, a refusal too (on a
    // busy machine most refusals end so: the client is still writing when the relay closes).
    const refusedUnread = statuses.filter((s) => s === 503 || s === 0).length;
    // The default cap (64 MB) has room for two 24 MB bodies at once: most are refused unread.
    expect(refusedUnread).toBeGreaterThanOrEqual(12);
    expect(statuses.every((s) => s === 503 || s === 401 || s === 0)).toBe(true);
    // Unbounded, the 24 bodies took the relay from 107 to 576 MB.
    expect(after.peakMb - before.rssMb).toBeLessThan(250);
  }, 60_000);
});
