import Database from "better-sqlite3";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrate, schemaVersion } from "../../store/sqlite/migrate.ts";
import { openSqliteRelayStores, openSqliteToolServerStores } from "../../store/sqlite/open-sqlite-stores.ts";
import { newDelivery as delivery } from "../support/store-backends.ts";

describe("the SQLite store's file", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates its schema in a new folder and keeps deliveries across reopening", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const dataDir = join(dir, "nested", "data");
    const stores = await openSqliteRelayStores({ dataDir });
    expect(await stores.deliveries.add(delivery("h:1"))).toEqual({ inserted: true });
    await stores.close();
    const again = await openSqliteRelayStores({ dataDir });
    expect(await again.deliveries.get("h:1")).toMatchObject({ status: "pending", attempts: 0, payload: '{"n":"h:1"}' });
    await again.close();
  });

  it("gives the tool server the runs, the coordination and the observations of the relay's file", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const toolServer = await openSqliteToolServerStores({ dataDir: dir });
    const relay = await openSqliteRelayStores({ dataDir: dir });
    await relay.deliveries.add(delivery("h:run"));
    await relay.runs.add({
      chatId: "c",
      deliveryKey: "h:run",
      deliveryId: "h:run",
      owner: "o",
      repo: "r",
      issueNumber: 1,
      messageId: "m",
    });
    expect(await toolServer.runs.get("c")).toMatchObject({ deliveryKey: "h:run" });
    expect(await toolServer.coordination.tryLock("x", "tool-server", 60_000)).toBe(true);
    expect(await relay.coordination.tryLock("x", "relay", 60_000)).toBe(false);
    // Observe mode: what the tool server records, the relay's page shows.
    const write = { deliveryKey: "h:run", deliveryId: "h:run", chatId: "c", rule: "triage", owner: "o", repo: "r" };
    await toolServer.observations.record({
      ...write,
      issueNumber: 1,
      tool: "add_labels",
      target: "o/r#1",
      text: null,
      labels: ["bug"],
    });
    expect(await relay.observations.ofDeliveries(["h:run"])).toMatchObject([{ tool: "add_labels", labels: ["bug"] }]);
    expect(Object.keys(toolServer).sort()).toEqual(["close", "coordination", "observations", "runs"]);
    await toolServer.close();
    await relay.close();
  });

  // A delivery the size of a long issue: the checkpoint tests need megabytes of log.
  const twentyKb = JSON.stringify({ text: "x".repeat(20 * 1024) });

  it("copies the log into the database file from a thread of its own, not inside the commits GitHub waits on", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const stores = await openSqliteRelayStores({ dataDir: dir });
    const file = join(dir, "openwebui-github.db");
    // About 10 MB of log: under the 1,000 pages (16 MB) at which SQLite would checkpoint in a commit itself.
    for (let round = 0; round < 10; round++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stores.deliveries.add({ ...delivery(`h:${round}-${i}`), payload: twentyKb }),
        ),
      );
    }
    const deadline = Date.now() + 5_000;
    while (statSync(file).size < 10 * 1024 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // In the database file while the store is still open: the checkpoint thread copied it there.
    expect(statSync(file).size).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    await stores.close();
    const reopened = await openSqliteRelayStores({ dataDir: dir });
    expect((await reopened.deliveries.counts()).pending).toBe(500);
    await reopened.close();
  });

  it("keeps the write-ahead log short under a steady stream of deliveries: the checkpoint thread is woken as they are stored, and the log starts over", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const stores = await openSqliteRelayStores({ dataDir: dir });
    const wal = join(dir, "openwebui-github.db-wal");
    let largest = 0;
    // About 30 MB of deliveries in batches of 10, a few milliseconds apart, as the relay commits them at 2,000 a second.
    for (let round = 0; round < 150; round++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          stores.deliveries.add({ ...delivery(`h:${round}-${i}`), payload: twentyKb }),
        ),
      );
      largest = Math.max(largest, statSync(wal).size);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Without the wake-ups it reaches about 47 MB here; with them 2.5 to 5 MB, also with both cores busy.
    expect(largest).toBeLessThan(16 * 1024 * 1024);
    await stores.close();
  });

  it("makes a new file with 16 KB pages and leaves an existing file's page size as it is", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const made = await openSqliteRelayStores({ dataDir: join(dir, "new") });
    await made.deliveries.add(delivery("h:1"));
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
    const old = await openSqliteRelayStores({ dataDir: join(dir, "old") });
    expect(await old.deliveries.add(delivery("h:2"))).toEqual({ inserted: true });
    await old.close();
    expect(pageSize(join(dir, "old", "openwebui-github.db"))).toBe(4096);
  });

  it("moves a store of an earlier version on, keeping its deliveries, and counts what it held", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const file = join(dir, "openwebui-github.db");
    // A file as the release before the timing columns left it: schema version 4.
    const raw = new Database(file);
    raw.pragma("journal_mode = WAL");
    migrate(raw, 4);
    raw
      .prepare(
        `INSERT INTO deliveries (key, delivery_id, event, action, status, received_at, updated_at) VALUES (?, ?, 'issues', 'opened', ?, 1, 1)`,
      )
      .run("old", "g-old", "pending");
    raw
      .prepare(
        `INSERT INTO deliveries (key, delivery_id, event, action, status, lease_until, received_at, updated_at) VALUES (?, ?, 'issues', 'opened', 'running', 9999999999999, 2, 2)`,
      )
      .run("held", "g-held");
    // A comment slot taken before budgets had names: the token's from now on.
    raw.prepare(`INSERT INTO write_slots (at) VALUES (?)`).run(Date.now());
    migrate(raw);
    expect(raw.pragma("user_version", { simple: true })).toBe(schemaVersion);
    raw.close();
    const reopened = await openSqliteRelayStores({ dataDir: dir });
    expect(await reopened.deliveries.get("old")).toMatchObject({
      status: "pending",
      startedAt: null,
      finishedAt: null,
    });
    expect(await reopened.deliveries.counts()).toMatchObject({ pending: 1, running: 1 });
    // A delivery an older relay held has no lease token: no current lease matches it, it goes back to the queue when its lease lapses.
    expect((await reopened.queue.claim(60_000))?.delivery.key).toBe("old");
    expect(await reopened.queue.claim(60_000)).toBeUndefined();
    const oneAnHour = [{ max: 1, windowMs: 3_600_000 }];
    expect(await reopened.coordination.reserveWrite("token", oneAnHour)).toMatchObject({ ok: false });
    expect(await reopened.coordination.reserveWrite("installation:1", oneAnHour)).toEqual({ ok: true });
    await reopened.close();
  });

  it("refuses a database written by a newer version instead of damaging it", async () => {
    dir = mkdtempSync(join(tmpdir(), "store-"));
    const db = new Database(join(dir, "openwebui-github.db"));
    db.pragma("user_version = 99");
    db.close();
    await expect(openSqliteRelayStores({ dataDir: dir })).rejects.toThrow(
      /schema version 99, newer than this code knows/,
    );
    await expect(openSqliteToolServerStores({ dataDir: dir })).rejects.toThrow(
      /schema version 99, newer than this code knows/,
    );
  });
});
