import { checkNewDelivery, checkStatusFilter } from "../check-delivery-input.ts";
import type { DeliveryLog, DeliveryStatus, NewDelivery } from "../delivery-log.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";
import { createSqlitePruner } from "./prune-sqlite.ts";
import { createRuleRunStarter } from "./sqlite-rule-runs.ts";
import { toDelivery, type DeliveryRow } from "./sqlite-rows.ts";

/** The delivery log on SQLite; `add` is the group commit's (group-commit-deliveries.ts). */
export function createSqliteDeliveryLog(
  database: SqliteDatabase,
  options: { now: () => number; add: (delivery: NewDelivery) => Promise<{ inserted: boolean }> },
): DeliveryLog {
  const { db } = database;
  const selectOne = db.prepare(`SELECT * FROM deliveries WHERE key = ?`);
  const selectByDeliveryId = db.prepare(
    `SELECT * FROM deliveries WHERE delivery_id = ? ORDER BY received_at DESC, rowid DESC LIMIT 1`,
  );
  const list = db.prepare(
    `SELECT * FROM deliveries WHERE (@status IS NULL OR status = @status) ORDER BY received_at DESC, rowid DESC LIMIT @limit`,
  );
  // Kept by triggers as rows change (see migrate.ts).
  const counts = db.prepare(`SELECT status, n FROM delivery_counts`);
  const replay = db.prepare(
    `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = NULL, lease_until = NULL, lease_token = NULL, reason = NULL, updated_at = @now
     WHERE key = @key AND status IN ('failed', 'dead')
     RETURNING *`,
  );
  const prune = createSqlitePruner(db);
  return {
    async add(delivery) {
      checkNewDelivery(delivery);
      return options.add(delivery);
    },
    async get(key) {
      const row = selectOne.get(key) as DeliveryRow | undefined;
      return row && toDelivery(row);
    },
    async findByDeliveryId(deliveryId) {
      const row = selectByDeliveryId.get(deliveryId) as DeliveryRow | undefined;
      return row && toDelivery(row);
    },
    async list(filter) {
      checkStatusFilter(filter.status);
      return (list.all({ status: filter.status ?? null, limit: filter.limit }) as DeliveryRow[]).map(toDelivery);
    },
    async counts() {
      const result: Record<DeliveryStatus, number> = {
        pending: 0,
        running: 0,
        done: 0,
        failed: 0,
        ignored: 0,
        dead: 0,
      };
      for (const row of counts.all() as Array<{ status: DeliveryStatus; n: number }>) result[row.status] = row.n;
      return result;
    },
    // Durable: a redelivery GitHub is answered on may queue a delivery again this way.
    async replay(key) {
      const row = database.durably(() => replay.get({ key, now: options.now() }) as DeliveryRow | undefined);
      return row && toDelivery(row);
    },
    startRuleRun: createRuleRunStarter(database),
    async prune(policy, now) {
      return prune(policy, now);
    },
  };
}
