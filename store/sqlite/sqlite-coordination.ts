import type Database from "better-sqlite3";
import type { Coordination, WriteLimit, WriteSlot } from "../coordination.ts";
import { budgetSpanMs, decideWrite } from "../write-budget.ts";

/** Locks, the comment budget and epochs on SQLite, shared by every process on the file. */
export function createSqliteCoordination(db: Database.Database, options: { now: () => number }): Coordination {
  const { now } = options;
  const lock = db.prepare(
    `INSERT INTO locks (name, owner, expires_at) VALUES (@name, @owner, @expires)
     ON CONFLICT (name) DO UPDATE SET owner = @owner, expires_at = @expires WHERE locks.expires_at < @now OR locks.owner = @owner`,
  );
  const unlock = db.prepare(`DELETE FROM locks WHERE name = ? AND owner = ?`);
  const readEpoch = db.prepare(`SELECT value FROM epochs WHERE name = ?`).pluck();
  const advanceEpoch = db
    .prepare(
      `INSERT INTO epochs (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`,
    )
    .pluck();
  const slotsSince = db.prepare(`SELECT at FROM write_slots WHERE budget = ? AND at > ? ORDER BY at`);
  const addSlot = db.prepare(`INSERT INTO write_slots (budget, at) VALUES (?, ?)`);
  const pruneSlots = db.prepare(`DELETE FROM write_slots WHERE budget = ? AND at <= ?`);
  // IMMEDIATE: the write lock is held from the read of the window to the append, so two processes
  // cannot both take the last slot.
  const reserve = db.transaction(
    (budget: string, limits: readonly WriteLimit[], t: number, peek: boolean): WriteSlot => {
      const since = t - budgetSpanMs(limits);
      pruneSlots.run(budget, since);
      const slots = (slotsSince.all(budget, since) as Array<{ at: number }>).map((row) => row.at);
      const slot = decideWrite(limits, slots, t);
      if (slot.ok && !peek) addSlot.run(budget, t);
      return slot;
    },
  );
  const nextTurn = db.prepare(`SELECT next_at FROM paces WHERE name = ?`);
  const setTurn = db.prepare(
    `INSERT INTO paces (name, next_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET next_at = excluded.next_at`,
  );
  const takeTurn = db.transaction((pace: string, gapMs: number, t: number) => {
    const row = nextTurn.get(pace) as { next_at: number } | undefined;
    const start = Math.max(t, row?.next_at ?? t);
    setTurn.run(pace, start + gapMs);
    return start - t;
  });
  return {
    async takeTurn(pace, gapMs) {
      return takeTurn.immediate(pace, gapMs, now());
    },
    async tryLock(name, owner, ttlMs) {
      const t = now();
      return lock.run({ name, owner, expires: t + ttlMs, now: t }).changes === 1;
    },
    async unlock(name, owner) {
      unlock.run(name, owner);
    },
    async reserveWrite(budget, limits, reserveOptions) {
      if (limits.length === 0) return { ok: true };
      return reserve.immediate(budget, limits, now(), reserveOptions?.peek ?? false);
    },
    async readEpoch(name) {
      return (readEpoch.get(name) as number | undefined) ?? 0;
    },
    async advanceEpoch(name) {
      return advanceEpoch.get(name) as number;
    },
  };
}
