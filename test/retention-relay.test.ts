import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.ts";
import { createRetention } from "../relay/start-retention.ts";
import { waitFor } from "../stand-ins/payloads.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import { startSystem, type System } from "./support/system.ts";

const day = 86_400_000;

describe("the relay's retention pass", () => {
  let system: System | undefined;
  afterEach(async () => {
    await system?.close();
    system = undefined;
  });

  /** Stores two ignored deliveries, one made 40 days old, on the relay's file. */
  async function oldAndNew(sys: System) {
    for (const key of ["h:old", "h:new"])
      await sys.stores.deliveries.add({ key, deliveryId: key, event: "push", action: null, status: "ignored" });
    const db = new Database(join(sys.dataDir, "openwebui-github.db"));
    try {
      db.prepare("UPDATE deliveries SET updated_at = ? WHERE key = 'h:old'").run(Date.now() - 40 * day);
    } finally {
      db.close();
    }
  }

  it("runs with the worker: a delivery past RELAY_RETENTION_DAYS goes once the relay starts, a newer one stays", async () => {
    system = await startSystem({ startRelay: false });
    await oldAndNew(system);
    await system.startRelay();
    const { deliveries } = system.stores;
    await waitFor(async () => (await deliveries.get("h:old")) === undefined || undefined, "the old delivery to go");
    expect(await deliveries.get("h:new")).toMatchObject({ status: "ignored" });
    expect((await deliveries.counts()).ignored).toBe(1);
  });

  it("does not prune in a relay that only receives (RELAY_WORKER=false)", async () => {
    system = await startSystem({ startRelay: false, relayEnv: { RELAY_WORKER: "false" } });
    await oldAndNew(system);
    await system.startRelay();
    // A pass starting with the relay would run its first batch at once (SQLite's are synchronous), before this answer.
    const health = await fetch(`${system.relayUrl}/health`).then((r) => r.json());
    expect(health).toMatchObject({ deliveries: { ignored: 2 } });
    expect(await system.stores.deliveries.get("h:old")).toBeDefined();
  });
});

describe("a retention pass", () => {
  it("lets the event loop run between its batches, so webhooks are answered while a month of rows goes", async () => {
    const stores = await openSqliteRelayStores({ dataDir: ":memory:", now: () => 0 });
    try {
      for (let n = 0; n < 35; n++)
        await stores.deliveries.add({
          key: `h:${n}`,
          deliveryId: `g${n}`,
          event: "push",
          action: null,
          status: "ignored",
        });
      let batches = 0;
      const retention = createRetention({
        deliveries: { ...stores.deliveries, prune: (policy, now) => (batches++, stores.deliveries.prune(policy, now)) },
        policy: { keepMs: 30 * day, keepFailedMs: 30 * day, batchSize: 10 },
        intervalMs: 60_000,
        logger: createLogger({ write: () => {} }),
        now: () => 31 * day,
      });
      // Queued as the pass starts: it runs when the pass yields, which must be before the pass ends.
      const seenAt = new Promise<number>((resolve) => setImmediate(() => resolve(batches)));
      expect(await retention.sweep()).toMatchObject({ deleted: 35 });
      expect(batches).toBe(4);
      expect(await seenAt).toBeLessThan(4);
      expect(await seenAt).toBeGreaterThanOrEqual(1);
    } finally {
      await stores.close();
    }
  });
});
