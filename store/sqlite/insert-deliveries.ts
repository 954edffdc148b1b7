import type Database from "better-sqlite3";
import type { NewDelivery } from "../delivery-log.ts";

/** What became of one delivery of a batch: stored (true), already there (false), or why it failed. */
export type InsertResult = boolean | { error: string };

/**
 * Stores a batch in one transaction, each delivery once per key. If a row
 * breaks a constraint, each delivery is tried alone, so the bad one fails only
 * its own caller. Any other failure (the disk, a lock held past busy_timeout)
 * would fail each row the same way, and retrying them one by one would only
 * hold this thread longer: the whole batch fails then, and nothing of it is
 * acknowledged. Used by the group commit (group-commit-deliveries.ts).
 */
export function createDeliveryInserter(
  db: Database.Database,
): (deliveries: readonly NewDelivery[], now: number) => InsertResult[] {
  const insert = db.prepare(
    `INSERT INTO deliveries (key, delivery_id, event, action, status, reason, repository, issue_number, rule, payload, received_at, updated_at)
     VALUES (@key, @deliveryId, @event, @action, @status, @reason, @repository, @issueNumber, @rule, @payload, @now, @now)
     ON CONFLICT (key) DO NOTHING`,
  );
  const one = (delivery: NewDelivery, now: number): boolean =>
    insert.run({
      key: delivery.key,
      deliveryId: delivery.deliveryId,
      event: delivery.event,
      action: delivery.action,
      status: delivery.status,
      reason: delivery.reason ?? null,
      repository: delivery.repository ?? null,
      issueNumber: delivery.issueNumber ?? null,
      rule: delivery.rule ?? null,
      payload: delivery.payload ?? null,
      now,
    }).changes === 1;
  // Counted here, once per status and batch, rather than by a trigger: an INSERT with a trigger keeps
  // a statement journal, copying each page it changes first, on the path GitHub waits on.
  const count = db.prepare(`UPDATE delivery_counts SET n = n + ? WHERE status = ?`);
  // IMMEDIATE: the write lock is taken at BEGIN, where waiting for another writer (busy_timeout) is safe.
  const all = db.transaction((deliveries: readonly NewDelivery[], now: number) => {
    const results = deliveries.map((delivery) => one(delivery, now));
    const added = { pending: 0, ignored: 0 };
    results.forEach((inserted, index) => inserted && added[deliveries[index]!.status]++);
    for (const status of ["pending", "ignored"] as const) if (added[status] > 0) count.run(added[status], status);
    return results;
  });
  return (deliveries, now) => {
    try {
      return all.immediate(deliveries, now);
    } catch (error) {
      if (!isConstraintError(error)) throw error;
      return deliveries.map((delivery) => {
        try {
          return all.immediate([delivery], now)[0]!;
        } catch (error) {
          return { error: error instanceof Error ? error.message : String(error) };
        }
      });
    }
  };
}

function isConstraintError(error: unknown): boolean {
  return (
    typeof (error as { code?: unknown } | null)?.code === "string" &&
    (error as { code: string }).code.startsWith("SQLITE_CONSTRAINT")
  );
}
