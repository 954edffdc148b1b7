import type { SqliteDatabase } from "./open-sqlite-database.ts";

/** DeliveryLog.startRuleRun on SQLite: the check and the record in one immediate transaction. */
export function createRuleRunStarter(database: SqliteDatabase) {
  const { db } = database;
  const select = db.prepare(`SELECT delivery_key, at FROM rule_runs WHERE turn = ?`);
  const upsert = db.prepare(
    `INSERT INTO rule_runs (turn, delivery_key, at) VALUES (@turn, @deliveryKey, @now)
     ON CONFLICT (turn) DO UPDATE SET delivery_key = excluded.delivery_key, at = excluded.at`,
  );
  const start = db.transaction((turn: string, deliveryKey: string, now: number, cooldownMs: number) => {
    const last = select.get(turn) as { delivery_key: string; at: number } | undefined;
    if (last && last.delivery_key !== deliveryKey && now - last.at < cooldownMs) return last.at;
    if (last?.delivery_key !== deliveryKey) upsert.run({ turn, deliveryKey, now });
    return null;
  });
  return async (turn: string, deliveryKey: string, now: number, cooldownMs: number): Promise<number | null> =>
    start.immediate(turn, deliveryKey, now, cooldownMs);
}
