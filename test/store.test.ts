import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteStore } from "../store/sqlite-store.ts";

describe("SQLite store", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates its schema in a new folder and keeps deliveries across reopening", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const dataDir = join(dir, "nested", "data");
    const store = createSqliteStore({ dataDir });
    expect(await store.addDelivery({ key: "h:1", deliveryId: "1", event: "issues", action: "opened", status: "pending", payload: "{}" })).toEqual({ inserted: true });
    expect(await store.addDelivery({ key: "h:1", deliveryId: "1", event: "issues", action: "opened", status: "pending", payload: "{}" })).toEqual({ inserted: false });
    await store.close();
    const again = createSqliteStore({ dataDir });
    expect(await again.getDelivery("h:1")).toMatchObject({ status: "pending", attempts: 0, payload: "{}" });
    await again.close();
  });

  it("hands each pending delivery to one claimer, oldest first, and counts attempts", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    let now = 1_000;
    const store = createSqliteStore({ dataDir: dir, now: () => now });
    await store.addDelivery({ key: "a", deliveryId: "a", event: "issues", action: "opened", status: "pending" });
    now++;
    await store.addDelivery({ key: "b", deliveryId: "b", event: "issues", action: "opened", status: "pending" });
    await store.addDelivery({ key: "c", deliveryId: "c", event: "push", action: null, status: "ignored" });
    expect((await store.claimDelivery(100))?.key).toBe("a");
    expect((await store.claimDelivery(100))?.key).toBe("b");
    expect(await store.claimDelivery(100)).toBeUndefined();
    // A lease that ran out makes the delivery claimable again, as a new attempt.
    now += 101;
    const reclaimed = await store.claimDelivery(100);
    expect(reclaimed).toMatchObject({ key: "a", attempts: 2 });
    await store.finishDelivery("a", { status: "done", commentUrl: "https://github.com/x" });
    expect(await store.countByStatus()).toEqual({ pending: 0, running: 1, done: 1, failed: 0, ignored: 1, dead: 0 });
    expect(await store.releaseRunning()).toBe(1);
    expect((await store.getDelivery("b"))?.status).toBe("pending");
    await store.close();
  });

  it("records when the latest attempt started and when the delivery finished, for the page's duration", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    let now = 5_000;
    const store = createSqliteStore({ dataDir: dir, now: () => now });
    await store.addDelivery({ key: "t", deliveryId: "t", event: "issues", action: "opened", status: "pending" });
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
    await store.close();
  });

  it("moves a store of the previous version on, keeping its deliveries", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const { migrate } = await import("../store/sqlite-store.ts");
    const old = createSqliteStore({ dataDir: dir });
    await old.addDelivery({ key: "old", deliveryId: "old", event: "issues", action: "opened", status: "pending" });
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

describe("a delivery that takes the process down on every attempt", () => {
  it("is dead-lettered at its next claim once its attempts are used up", async () => {
    const { mkdtempSync: mk, rmSync: rm } = await import("node:fs");
    const dir = mk(join(tmpdir(), "store-"));
    const { createWorker } = await import("../relay/worker.ts");
    const { silentLogger } = await import("../lib/logger.ts");
    const store = createSqliteStore({ dataDir: dir });
    await store.addDelivery({ key: "k", deliveryId: "d", event: "issues", action: "opened", status: "pending" });
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
    await store.close();
    rm(dir, { recursive: true, force: true });
  });
});
