import type Database from "better-sqlite3";
import type { PruneResult, RetentionPolicy } from "../delivery-log.ts";

const finished = ["done", "ignored", "failed", "dead"] as const;

/**
 * One batch of retention in one IMMEDIATE transaction: finished deliveries past
 * the policy's age, their runs first (runs name their delivery by a foreign
 * key), then expired locks and comment slots older than any budget window.
 * Counts stay right through the delete trigger (migrate.ts).
 */
export function createSqlitePruner(db: Database.Database): (policy: RetentionPolicy, now: number) => PruneResult {
  const pick = db.prepare(
    `SELECT key FROM deliveries WHERE status = @status AND updated_at < @before ORDER BY updated_at LIMIT @limit`,
  );
  const deleteRuns = db.prepare(`DELETE FROM runs WHERE delivery_key = ?`);
  const deleteObservations = db.prepare(`DELETE FROM observations WHERE delivery_key = ?`);
  const deleteDelivery = db.prepare(`DELETE FROM deliveries WHERE key = ?`);
  const deleteLocks = db.prepare(`DELETE FROM locks WHERE expires_at < ?`);
  // Observe mode's label history goes as old done deliveries do (their observations went with them).
  const deleteLabelChanges = db.prepare(`DELETE FROM label_changes WHERE at < ?`);
  const deleteSlots = db.prepare(
    `DELETE FROM write_slots WHERE rowid IN (SELECT rowid FROM write_slots WHERE at < ? LIMIT ?)`,
  );
  const batch = db.transaction((policy: RetentionPolicy, now: number): PruneResult => {
    let left = policy.batchSize;
    let deleted = 0;
    let runsDeleted = 0;
    for (const status of finished) {
      if (left <= 0) break;
      const keepMs = status === "failed" || status === "dead" ? policy.keepFailedMs : policy.keepMs;
      const keys = pick.all({ status, before: now - keepMs, limit: left }) as Array<{ key: string }>;
      for (const { key } of keys) {
        runsDeleted += deleteRuns.run(key).changes;
        deleteObservations.run(key);
        deleted += deleteDelivery.run(key).changes;
      }
      left -= keys.length;
    }
    deleteLocks.run(now);
    deleteLabelChanges.run(now - policy.keepMs);
    // Spent slots are deleted as slots are taken; these are what a store that stopped commenting left.
    deleteSlots.run(now - policy.keepMs, policy.batchSize);
    return { deleted, runsDeleted, more: left <= 0 };
  });
  return (policy, now) => batch.immediate(policy, now);
}
