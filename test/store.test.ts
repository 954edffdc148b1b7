import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../lib/logger.ts";
import { createWorker } from "../relay/worker.ts";
import { createRedisStore } from "../store/redis-store.ts";
import { createSqliteStore } from "../store/sqlite-store.ts";
import type { DeliveryRecord, NewDelivery, Store } from "../store/store.ts";
import { redisServerAvailable, startRedisServer, type RedisServer } from "../stand-ins/redis-server.ts";

const withRedis = redisServerAvailable();
let redis: RedisServer | undefined;
beforeAll(async () => {
  if (withRedis) redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.close();
});

/** Opens the same shared state again, as another process (or replica) would. */
interface Backend {
  name: string;
  open(now?: () => number): Promise<{ store: Store; another: () => Promise<Store>; cleanup: () => void }>;
  /**
   * Claims a delivery whose lease the test's clock has just ended. SQLite reads that clock; Redis's locks
   * lapse in real time and BullMQ's stalled check hands the job back, so there the claim is repeated a while.
   */
  claimAfterLease(store: Store, leaseMs: number): Promise<DeliveryRecord | undefined>;
}

const backends: Backend[] = [
  {
    name: "SQLite",
    async open(now) {
      const dir = mkdtempSync(join(tmpdir(), "store-"));
      return {
        store: createSqliteStore({ dataDir: dir, ...(now ? { now } : {}) }),
        another: async () => createSqliteStore({ dataDir: dir, ...(now ? { now } : {}) }),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    claimAfterLease: (store, leaseMs) => store.claimDelivery(leaseMs),
  },
  ...(withRedis
    ? [
        {
          name: "Redis",
          async open(now?: () => number) {
            // A prefix per test: one redis-server serves the whole file without tests seeing each other.
            const options = { url: redis!.url, prefix: `test-${randomUUID()}`, connectTimeoutMs: 5_000, commandTimeoutMs: 5_000, livenessMs: 2_000, ...(now ? { now } : {}) };
            // BullMQ reads the time from Date.now() (when a delayed job is due, its timestamps): the test's clock has to be that one.
            const clock = now ? vi.spyOn(Date, "now").mockImplementation(now) : undefined;
            return { store: await createRedisStore(options), another: () => createRedisStore(options), cleanup: () => clock?.mockRestore() };
          },
          async claimAfterLease(store: Store, leaseMs: number) {
            for (let tries = 0; tries < 100; tries++) {
              const claimed = await store.claimDelivery(leaseMs);
              if (claimed) return claimed;
              await new Promise((r) => setTimeout(r, 50));
            }
            return undefined;
          },
        },
      ]
    : []),
];

const delivery = (key: string, extra: Partial<NewDelivery> = {}): NewDelivery => ({ key, deliveryId: key, event: "issues", action: "opened", status: "pending", payload: `{"n":"${key}"}`, ...extra });

describe.each(backends)("the $name store", (backend) => {
  const opened: Store[] = [];
  let cleanup = () => {};
  async function open(now?: () => number) {
    const made = await backend.open(now);
    cleanup = made.cleanup;
    opened.push(made.store);
    return {
      store: made.store,
      another: async () => {
        const other = await made.another();
        opened.push(other);
        return other;
      },
    };
  }
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    cleanup();
  });

  it("stores a delivery once per key, with every field, and finds it by key and by GUID", async () => {
    const { store, another } = await open();
    expect(await store.addDelivery(delivery("h:1", { deliveryId: "g1", repository: "o/r", issueNumber: 7 }))).toEqual({ inserted: true });
    expect(await store.addDelivery(delivery("h:1", { deliveryId: "g1" }))).toEqual({ inserted: false });
    // Another process sees it, and its duplicate is a duplicate too.
    const other = await another();
    expect(await other.addDelivery(delivery("h:1", { deliveryId: "g1" }))).toEqual({ inserted: false });
    expect(await other.getDelivery("h:1")).toMatchObject({ key: "h:1", deliveryId: "g1", event: "issues", action: "opened", status: "pending", reason: null, repository: "o/r", issueNumber: 7, payload: '{"n":"h:1"}', attempts: 0, chatId: null, commentUrl: null, lastError: null, nextAttemptAt: null });
    expect(await store.getDelivery("nope")).toBeUndefined();
    await store.addDelivery({ key: "h:2", deliveryId: "g2", event: "push", action: null, status: "ignored", reason: "not an issue" });
    expect(await store.getDeliveryById("g2")).toMatchObject({ key: "h:2", status: "ignored", action: null, reason: "not an issue", payload: null });
    expect(await store.getDeliveryById("missing")).toBeUndefined();
  });

  it("lets exactly one of many concurrent writers of the same key store it", async () => {
    const { store, another } = await open();
    const other = await another();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).addDelivery(delivery("race"))));
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
  });

  it("hands each pending delivery to one claimer, oldest first, and counts attempts", async () => {
    let now = 1_000;
    const { store } = await open(() => now);
    await store.addDelivery(delivery("a"));
    now++;
    await store.addDelivery(delivery("b"));
    await store.addDelivery({ key: "c", deliveryId: "c", event: "push", action: null, status: "ignored" });
    expect((await store.claimDelivery(100))?.key).toBe("a");
    expect((await store.claimDelivery(60_000))?.key).toBe("b");
    expect(await store.claimDelivery(100)).toBeUndefined();
    // A lease that ran out makes the delivery claimable again, as a new attempt.
    now += 101;
    const reclaimed = await backend.claimAfterLease(store, 100);
    expect(reclaimed).toMatchObject({ key: "a", attempts: 2, status: "running" });
    await store.finishDelivery("a", { status: "done", reason: "commented", commentUrl: "https://github.com/x" });
    expect(await store.getDelivery("a")).toMatchObject({ status: "done", reason: "commented", commentUrl: "https://github.com/x", lastError: null });
    expect(await store.countByStatus()).toEqual({ pending: 0, running: 1, done: 1, failed: 0, ignored: 1, dead: 0 });
    expect(await store.releaseRunning()).toBe(1);
    expect((await store.getDelivery("b"))?.status).toBe("pending");
    expect((await store.claimDelivery(100))?.key).toBe("b");
  });

  it("never gives one delivery to two processes at once", async () => {
    const { store, another } = await open();
    const other = await another();
    for (let i = 0; i < 10; i++) await store.addDelivery(delivery(`k${i}`));
    const claims = await Promise.all(Array.from({ length: 14 }, (_, i) => (i % 2 ? store : other).claimDelivery(60_000)));
    const keys = claims.filter((c) => c !== undefined).map((c) => c.key);
    expect(keys.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
  });

  it("retries not before the given time, defers without counting the attempt, and releases one delivery", async () => {
    let now = 5_000;
    const { store } = await open(() => now);
    await store.addDelivery(delivery("r"));
    await store.claimDelivery(60_000);
    await store.retryDelivery("r", { error: "Open WebUI answered 502", at: 6_000 });
    expect(await store.getDelivery("r")).toMatchObject({ status: "pending", attempts: 1, lastError: "Open WebUI answered 502", nextAttemptAt: 6_000 });
    expect(await store.claimDelivery(60_000)).toBeUndefined();
    now = 6_000;
    expect(await store.claimDelivery(60_000)).toMatchObject({ key: "r", attempts: 2 });
    await store.deferDelivery("r", 7_000);
    expect(await store.getDelivery("r")).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: 7_000 });
    expect(await store.claimDelivery(60_000)).toBeUndefined();
    now = 7_000;
    expect(await store.claimDelivery(60_000)).toMatchObject({ key: "r", attempts: 2 });
    await store.releaseDelivery("r");
    expect(await store.getDelivery("r")).toMatchObject({ status: "pending", attempts: 2 });
    // Releasing what is not running changes nothing.
    await store.finishDelivery("r", { status: "failed", reason: "issue gone" });
    await store.releaseDelivery("r");
    expect(await store.getDelivery("r")).toMatchObject({ status: "failed", reason: "issue gone", lastError: "issue gone" });
  });

  it("replays a failed or dead delivery by GUID or key with fresh attempts, and nothing else", async () => {
    const { store } = await open();
    await store.addDelivery(delivery("h:dead", { deliveryId: "g" }));
    await store.addDelivery(delivery("h:done", { deliveryId: "g2" }));
    await store.claimDelivery(60_000);
    await store.finishDelivery("h:dead", { status: "dead", reason: "gave up after 1 attempts: 502" });
    await store.claimDelivery(60_000);
    await store.finishDelivery("h:done", { status: "done" });
    expect(await store.replayDelivery("g2")).toBeUndefined();
    expect(await store.replayDelivery("missing")).toBeUndefined();
    expect(await store.replayDelivery("g")).toMatchObject({ key: "h:dead", status: "pending", attempts: 0, reason: null, lastError: "gave up after 1 attempts: 502" });
    expect(await store.replayDelivery("g")).toBeUndefined();
    expect((await store.claimDelivery(60_000))?.key).toBe("h:dead");
    await store.finishDelivery("h:dead", { status: "failed", reason: "refused" });
    expect(await store.replayDelivery("h:dead")).toMatchObject({ key: "h:dead", status: "pending" });
  });

  it("lists deliveries newest first, by status, and counts them", async () => {
    let now = 1;
    const { store } = await open(() => now);
    for (const key of ["x1", "x2", "x3"]) {
      await store.addDelivery(delivery(key));
      now++;
    }
    await store.addDelivery({ key: "i1", deliveryId: "i1", event: "push", action: null, status: "ignored" });
    expect((await store.listDeliveries({ limit: 10 })).map((d) => d.key)).toEqual(["i1", "x3", "x2", "x1"]);
    expect((await store.listDeliveries({ limit: 2 })).map((d) => d.key)).toEqual(["i1", "x3"]);
    expect((await store.listDeliveries({ status: "pending", limit: 10 })).map((d) => d.key)).toEqual(["x3", "x2", "x1"]);
    expect(await store.listDeliveries({ status: "dead", limit: 10 })).toEqual([]);
    expect(await store.countByStatus()).toEqual({ pending: 3, running: 0, done: 0, failed: 0, ignored: 1, dead: 0 });
  });

  it("shares the comment budget between processes, and says when a slot frees up", async () => {
    let now = 10_000;
    const { store, another } = await open(() => now);
    const other = await another();
    const limits = [{ max: 2, windowMs: 1_000 }];
    expect(await store.reserveWrite([])).toEqual({ ok: true });
    expect(await store.reserveWrite(limits)).toEqual({ ok: true });
    now += 100;
    expect(await other.reserveWrite(limits, { peek: true })).toEqual({ ok: true });
    expect(await other.reserveWrite(limits)).toEqual({ ok: true });
    // Windows are stretched by a fifth: the first slot frees 1,200 ms after it was taken.
    expect(await store.reserveWrite(limits)).toEqual({ ok: false, retryInMs: 1_101 });
    now = 11_201;
    expect(await store.reserveWrite(limits)).toEqual({ ok: true });
  });

  it("gives a named lock to one owner until it is unlocked or expires", async () => {
    const { store, another } = await open();
    const other = await another();
    expect(await store.tryLock("comment:o/r#1", "a", 60_000)).toBe(true);
    expect(await other.tryLock("comment:o/r#1", "b", 60_000)).toBe(false);
    expect(await store.tryLock("comment:o/r#1", "a", 60_000)).toBe(true);
    await other.unlock("comment:o/r#1", "b");
    expect(await other.tryLock("comment:o/r#1", "b", 60_000)).toBe(false);
    await store.unlock("comment:o/r#1", "a");
    expect(await other.tryLock("comment:o/r#1", "b", 150)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(await store.tryLock("comment:o/r#1", "a", 60_000)).toBe(true);
  });

  it("records a run, links it to its delivery, and keeps its comment", async () => {
    const { store, another } = await open();
    await store.addDelivery(delivery("h:run", { deliveryId: "gr" }));
    await store.addRun({ chatId: "chat-1", deliveryKey: "h:run", deliveryId: "gr", owner: "o", repo: "r", issueNumber: 3, messageId: "m" });
    await expect(store.addRun({ chatId: "chat-1", deliveryKey: "h:run", deliveryId: "gr", owner: "o", repo: "r", issueNumber: 3, messageId: "m" })).rejects.toThrow();
    const other = await another();
    expect(await other.getRun("chat-1")).toMatchObject({ chatId: "chat-1", deliveryKey: "h:run", deliveryId: "gr", owner: "o", repo: "r", issueNumber: 3, messageId: "m", commentId: null, commentUrl: null });
    expect((await other.getDelivery("h:run"))?.chatId).toBe("chat-1");
    await other.setRunComment("chat-1", { id: 42, url: "https://github.com/o/r/issues/3#issuecomment-42" });
    expect(await store.getRun("chat-1")).toMatchObject({ commentId: 42, commentUrl: "https://github.com/o/r/issues/3#issuecomment-42" });
    expect(await store.getRun("chat-2")).toBeUndefined();
  });

  it("records when the latest attempt started and when the delivery finished, for the page's duration", async () => {
    let now = 5_000;
    const { store } = await open(() => now);
    await store.addDelivery(delivery("t"));
    expect(await store.getDelivery("t")).toMatchObject({ startedAt: null, finishedAt: null });
    now = 6_000;
    await store.claimDelivery(10_000);
    await store.retryDelivery("t", { error: "Open WebUI answered 502", at: 0 });
    now = 7_000;
    await store.claimDelivery(10_000);
    expect(await store.getDelivery("t")).toMatchObject({ status: "running", startedAt: 7_000, finishedAt: null });
    now = 9_500;
    await store.finishDelivery("t", { status: "failed", reason: "GitHub answered 404" });
    expect(await store.getDelivery("t")).toMatchObject({ startedAt: 7_000, finishedAt: 9_500 });
    // A replayed delivery starts over: its next claim clears the old finish.
    await store.replayDelivery("t");
    now = 10_000;
    await store.claimDelivery(10_000);
    expect(await store.getDelivery("t")).toMatchObject({ status: "running", startedAt: 10_000, finishedAt: null });
  });

  it("dead-letters at its next claim a delivery that took the process down on every attempt", async () => {
    const { store } = await open();
    await store.addDelivery(delivery("k", { deliveryId: "d" }));
    // Two attempts that never finished (the process died during each).
    await store.claimDelivery(60_000);
    await store.releaseRunning();
    await store.claimDelivery(60_000);
    await store.releaseRunning();
    let ran = 0;
    const worker = createWorker({ store, process: async () => (ran++, { status: "done" }), concurrency: 1, leaseMs: 60_000, pollIntervalMs: 50, maxAttempts: 2, retry: { baseMs: 10, maxMs: 10 }, writeLimits: [], logger: silentLogger });
    await worker.start();
    for (let i = 0; i < 40 && (await store.getDelivery("k"))?.status !== "dead"; i++) await new Promise((r) => setTimeout(r, 25));
    await worker.stop();
    expect(await store.getDelivery("k")).toMatchObject({ status: "dead", reason: expect.stringMatching(/gave up after 2 attempts/) });
    expect(ran).toBe(0);
  });
});

describe("the SQLite store's file", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates its schema in a new folder and keeps deliveries across reopening", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const dataDir = join(dir, "nested", "data");
    const store = createSqliteStore({ dataDir });
    expect(await store.addDelivery(delivery("h:1"))).toEqual({ inserted: true });
    await store.close();
    const again = createSqliteStore({ dataDir });
    expect(await again.getDelivery("h:1")).toMatchObject({ status: "pending", attempts: 0, payload: '{"n":"h:1"}' });
    await again.close();
  });

  // A delivery the size of a long issue: the checkpoint tests need megabytes of log.
  const twentyKb = JSON.stringify({ text: "x".repeat(20 * 1024) });

  it("copies the log into the database file from a thread of its own, not inside the commits GitHub waits on", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const store = createSqliteStore({ dataDir: dir });
    const file = join(dir, "openwebui-github.db");
    // About 10 MB of log: under the 1,000 pages (16 MB) at which SQLite would checkpoint in a commit itself.
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.addDelivery({ ...delivery(`h:${round}-${i}`), payload: twentyKb })));
    }
    const deadline = Date.now() + 5_000;
    while (statSync(file).size < 10 * 1024 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // In the database file while the store is still open: the checkpoint thread copied it there.
    expect(statSync(file).size).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    await store.close();
    const reopened = createSqliteStore({ dataDir: dir });
    expect((await reopened.countByStatus()).pending).toBe(500);
    await reopened.close();
  });

  it("keeps the write-ahead log short under a steady stream of deliveries: the checkpoint thread is woken as they are stored, and the log starts over", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const store = createSqliteStore({ dataDir: dir });
    const wal = join(dir, "openwebui-github.db-wal");
    let largest = 0;
    // About 30 MB of deliveries in batches of 10, a few milliseconds apart, as the relay commits them at 2,000 a second.
    for (let round = 0; round < 150; round++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => store.addDelivery({ ...delivery(`h:${round}-${i}`), payload: twentyKb })));
      largest = Math.max(largest, statSync(wal).size);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Without the wake-ups it reaches about 47 MB here; with them 2.5 to 5 MB, also with both cores busy.
    expect(largest).toBeLessThan(16 * 1024 * 1024);
    await store.close();
  });

  it("makes a new file with 16 KB pages and leaves an existing file's page size as it is", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const made = createSqliteStore({ dataDir: join(dir, "new") });
    await made.addDelivery(delivery("h:1"));
    await made.close();
    const pageSize = (path: string) => {
      const db = new Database(path, { readonly: true });
      try {
        return db.pragma("page_size", { simple: true });
      } finally {
        db.close();
      }
    };
    expect(pageSize(join(dir, "new", "openwebui-github.db"))).toBe(16384);
    // A file from before, with SQLite's default 4 KB pages, keeps them and its deliveries.
    mkdirSync(join(dir, "old"));
    const before = new Database(join(dir, "old", "openwebui-github.db"));
    before.pragma("journal_mode = WAL");
    before.exec("CREATE TABLE t (x)");
    before.close();
    const old = createSqliteStore({ dataDir: join(dir, "old") });
    expect(await old.addDelivery(delivery("h:2"))).toEqual({ inserted: true });
    await old.close();
    expect(pageSize(join(dir, "old", "openwebui-github.db"))).toBe(4096);
  });

  it("moves a store of the previous version on, keeping its deliveries", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const { migrate } = await import("../store/sqlite-store.ts");
    const old = createSqliteStore({ dataDir: dir });
    await old.addDelivery(delivery("old"));
    await old.close();
    // Back to version 4, as the release before the timing columns left the file.
    const raw = new Database(join(dir, "openwebui-github.db"));
    raw.exec("ALTER TABLE deliveries DROP COLUMN started_at; ALTER TABLE deliveries DROP COLUMN finished_at;");
    raw.pragma("user_version = 4");
    migrate(raw);
    expect(raw.pragma("user_version", { simple: true })).toBe(5);
    raw.close();
    const reopened = createSqliteStore({ dataDir: dir });
    expect(await reopened.getDelivery("old")).toMatchObject({ status: "pending", startedAt: null, finishedAt: null });
    await reopened.close();
  });

  it("refuses a database written by a newer version instead of damaging it", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const db = new Database(join(dir, "openwebui-github.db"));
    db.pragma("user_version = 99");
    db.close();
    expect(() => createSqliteStore({ dataDir: dir })).toThrow(/schema version 99, newer than this code knows/);
  });
});

describe.skipIf(!withRedis)("the Redis store across replicas", () => {
  it("gives the deliveries a stopped replica was running to another, but never a live replica's", async () => {
    const options = { url: redis?.url ?? "", prefix: `test-${randomUUID()}`, connectTimeoutMs: 5_000, commandTimeoutMs: 5_000, livenessMs: 2_000 };
    const first = await createRedisStore(options);
    const second = await createRedisStore(options);
    await first.addDelivery(delivery("busy"));
    expect((await first.claimDelivery(600_000))?.key).toBe("busy");
    // The second replica starting up must not take what the first is running.
    expect(await second.releaseRunning()).toBe(0);
    expect(await second.claimDelivery(600_000)).toBeUndefined();
    // Closed, the first one puts its delivery back at once: the second gets it long before the lease ends.
    await first.close();
    expect(await second.claimDelivery(600_000)).toMatchObject({ key: "busy", attempts: 2 });
    await second.close();
  });

  const replicaOptions = (livenessMs: number) => ({ url: redis?.url ?? "", prefix: `test-${randomUUID()}`, connectTimeoutMs: 5_000, commandTimeoutMs: 5_000, livenessMs });
  const claimWithin = async (store: Store, ms: number) => {
    for (const started = Date.now(); Date.now() - started < ms; await new Promise((r) => setTimeout(r, 50))) {
      const claimed = await store.claimDelivery(600_000);
      if (claimed) return claimed;
    }
    return undefined;
  };

  it("stores a key raced by several replicas exactly once, whether they add it as pending or as ignored", async () => {
    const options = replicaOptions(2_000);
    const replicas = await Promise.all(Array.from({ length: 4 }, () => createRedisStore(options)));
    for (let round = 0; round < 5; round++) {
      const key = `race-${round}`;
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) => replicas[i % 4]!.addDelivery(i % 3 ? delivery(key) : { key, deliveryId: key, event: "push", action: null, status: "ignored" })),
      );
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      // The one stored is what its winner added: a job in the queue, or an ignored record, never both.
      const winner = results.findIndex((r) => r.inserted);
      expect((await replicas[0]!.getDelivery(key))?.status).toBe(winner % 3 ? "pending" : "ignored");
    }
    const counts = await replicas[0]!.countByStatus();
    expect(counts.pending + counts.ignored).toBe(5);
    for (const replica of replicas) await replica.close();
  });

  it("keeps a long run's delivery with its live replica well past the lock's duration", async () => {
    const options = replicaOptions(1_000);
    const first = await createRedisStore(options);
    const second = await createRedisStore(options);
    await first.addDelivery(delivery("long"));
    expect((await first.claimDelivery(600_000))?.key).toBe("long");
    // Three lock durations: without renewal the stalled check would have handed it on by now.
    expect(await claimWithin(second, 3_000)).toBeUndefined();
    expect(await second.getDelivery("long")).toMatchObject({ status: "running", attempts: 1 });
    await first.finishDelivery("long", { status: "done" });
    expect(await second.getDelivery("long")).toMatchObject({ status: "done", attempts: 1 });
    await first.close();
    await second.close();
  });

  it("hands the delivery of a replica killed while holding it to another within seconds", async () => {
    const options = replicaOptions(1_000);
    const survivor = await createRedisStore(options);
    await survivor.addDelivery(delivery("held"));
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "support", "claim-and-hold.ts"), options.url, options.prefix, "1000"], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise((done) => child.once("exit", done));
    await new Promise<void>((done) => child.stdout!.on("data", (d: Buffer) => String(d).includes("claimed held") && done()));
    expect(await survivor.claimDelivery(600_000)).toBeUndefined();
    child.kill("SIGKILL");
    await exited;
    const killedAt = Date.now();
    expect(await claimWithin(survivor, 8_000)).toMatchObject({ key: "held", status: "running", attempts: 2 });
    // The lock lapses after at most 1 s, and BullMQ's stalled check runs every third of that.
    expect(Date.now() - killedAt).toBeLessThan(4_000);
    await survivor.close();
  });

  it("counts each claim that stalled as an attempt and keeps the delivery claimable, so the relay can dead-letter it", async () => {
    const store = await createRedisStore(replicaOptions(1_000));
    await store.addDelivery(delivery("stalls"));
    for (let attempt = 1; attempt <= 3; attempt++) {
      // A 50 ms lease that nobody finishes: each time the lock lapses and the stalled check puts the job back.
      const claimed = await (async () => {
        for (let tries = 0; tries < 100; tries++) {
          const found = await store.claimDelivery(50);
          if (found) return found;
          await new Promise((r) => setTimeout(r, 50));
        }
        return undefined;
      })();
      expect(claimed).toMatchObject({ key: "stalls", status: "running", attempts: attempt });
    }
    await store.close();
  });

  it("fails with a clear message, without the password, when Redis cannot be reached", async () => {
    const started = Date.now();
    await expect(createRedisStore({ url: "redis://:hunter2-secret@127.0.0.1:9/0", prefix: "x", connectTimeoutMs: 600, commandTimeoutMs: 500, livenessMs: 2_000 })).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:9\/0 within 1 s: .*ECONNREFUSED/,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
