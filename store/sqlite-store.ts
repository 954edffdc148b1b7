import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { createDeliveryInserter, type InsertResult } from "./sqlite/insert-deliveries.ts";
import { startWalCheckpointer } from "./sqlite/wal-checkpointer.ts";
import { join } from "node:path";
import type { DeliveryOutcome, DeliveryRecord, DeliveryStatus, NewDelivery, RunRecord, Store, WriteLimit } from "./store.ts";

// Each entry moves the schema one version on; PRAGMA user_version records where a file stands.
const migrations = [
  `CREATE TABLE deliveries (
     key TEXT PRIMARY KEY,
     delivery_id TEXT NOT NULL,
     event TEXT NOT NULL,
     action TEXT,
     status TEXT NOT NULL,
     reason TEXT,
     repository TEXT,
     issue_number INTEGER,
     payload TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     lease_until INTEGER,
     received_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     chat_id TEXT,
     comment_url TEXT
   );
   CREATE INDEX deliveries_queue ON deliveries (status, received_at);
   CREATE TABLE runs (
     chat_id TEXT PRIMARY KEY,
     delivery_key TEXT NOT NULL REFERENCES deliveries(key),
     delivery_id TEXT NOT NULL,
     owner TEXT NOT NULL,
     repo TEXT NOT NULL,
     issue_number INTEGER NOT NULL,
     message_id TEXT NOT NULL,
     comment_id INTEGER,
     comment_url TEXT,
     created_at INTEGER NOT NULL
   );`,
  `ALTER TABLE deliveries ADD COLUMN next_attempt_at INTEGER;
   ALTER TABLE deliveries ADD COLUMN last_error TEXT;
   CREATE INDEX deliveries_by_delivery_id ON deliveries (delivery_id);`,
  `CREATE TABLE locks (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);`,
  `CREATE TABLE write_slots (at INTEGER NOT NULL);
   CREATE INDEX write_slots_at ON write_slots (at);`,
  `ALTER TABLE deliveries ADD COLUMN started_at INTEGER;
   ALTER TABLE deliveries ADD COLUMN finished_at INTEGER;`,
];

interface Pending {
  delivery: NewDelivery;
  resolve: (result: { inserted: boolean }) => void;
  reject: (error: unknown) => void;
}

interface DeliveryRow {
  key: string;
  delivery_id: string;
  event: string;
  action: string | null;
  status: DeliveryStatus;
  reason: string | null;
  repository: string | null;
  issue_number: number | null;
  payload: string | null;
  attempts: number;
  received_at: number;
  updated_at: number;
  chat_id: string | null;
  comment_url: string | null;
  last_error: string | null;
  next_attempt_at: number | null;
  started_at: number | null;
  finished_at: number | null;
}

interface RunRow {
  chat_id: string;
  delivery_key: string;
  delivery_id: string;
  owner: string;
  repo: string;
  issue_number: number;
  message_id: string;
  comment_id: number | null;
  comment_url: string | null;
  created_at: number;
}

function toDelivery(row: DeliveryRow): DeliveryRecord {
  return {
    key: row.key,
    deliveryId: row.delivery_id,
    event: row.event,
    action: row.action,
    status: row.status,
    reason: row.reason,
    repository: row.repository,
    issueNumber: row.issue_number,
    payload: row.payload,
    attempts: row.attempts,
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
    chatId: row.chat_id,
    commentUrl: row.comment_url,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function toRun(row: RunRow): RunRecord {
  return {
    chatId: row.chat_id,
    deliveryKey: row.delivery_key,
    deliveryId: row.delivery_id,
    owner: row.owner,
    repo: row.repo,
    issueNumber: row.issue_number,
    messageId: row.message_id,
    commentId: row.comment_id,
    commentUrl: row.comment_url,
    createdAt: row.created_at,
  };
}

export function migrate(db: Database.Database) {
  // IMMEDIATE takes the write lock before reading the version: the relay and the tool server may
  // open a new file at the same moment, and only one of them must run each step.
  db.transaction(() => {
    const current = db.pragma("user_version", { simple: true }) as number;
    if (current > migrations.length) {
      throw new Error(`The store at ${db.name} has schema version ${current}, newer than this code knows (${migrations.length}). Upgrade openwebui-github.`);
    }
    for (let version = current; version < migrations.length; version++) {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }
  }).immediate();
}

/**
 * The default store: one SQLite file in `dataDir`, in WAL mode. What GitHub is
 * answered on (a delivery stored, a redelivery queued again) commits with
 * synchronous=FULL: it survives a crash of the process and a power loss. The
 * worker's bookkeeping (claims, outcomes, runs, locks, the comment budget)
 * commits with synchronous=NORMAL: it survives a crash of the process, and a
 * power loss can undo its last moments, which at worst runs a delivery again,
 * and the comment marker keeps that to one comment. The next FULL commit
 * syncs the whole log, NORMAL commits before it included. One relay per file:
 * leases are not shared across machines.
 */
export function createSqliteStore(options: { dataDir: string; now?: () => number }): Store {
  const now = options.now ?? Date.now;
  let db: Database.Database;
  const file = options.dataDir === ":memory:" ? undefined : join(options.dataDir, "openwebui-github.db");
  if (!file) {
    db = new Database(":memory:");
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    db = new Database(file);
  }
  // The tool server may open the same file from another process: wait for its locks, from the first statement on.
  db.pragma("busy_timeout = 5000");
  // A new file gets 16 KB pages: a 20 KB delivery then spans two pages instead of six, which makes
  // its commit cheaper. SQLite applies this only before a file's first write; an existing file
  // keeps its page size.
  db.pragma("page_size = 16384");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  // Without this, each worker write waits for the disk on the thread that answers GitHub.
  const syncFull = db.prepare("PRAGMA synchronous = FULL");
  const syncNormal = db.prepare("PRAGMA synchronous = NORMAL");
  function durably<T>(work: () => T): T {
    syncFull.run();
    try {
      return work();
    } finally {
      syncNormal.run();
    }
  }
  db.pragma("foreign_keys = ON");
  migrate(db);
  // Checkpoints off the thread that answers GitHub (see wal-checkpointer.ts); SQLite's own are the fallback.
  const checkpointer = file
    ? startWalCheckpointer({
        file,
        intervalMs: 100,
        fallback: (error) => {
          if (db.open) db.pragma("wal_autocheckpoint = 1000");
          process.emitWarning(`The store's checkpoint thread stopped (${error}); SQLite checkpoints in its commits again.`);
        },
      })
    : undefined;
  if (checkpointer) db.pragma("wal_autocheckpoint = 0");

  const selectDelivery = db.prepare(`SELECT * FROM deliveries WHERE key = ?`);
  const selectByDeliveryId = db.prepare(`SELECT * FROM deliveries WHERE delivery_id = ? ORDER BY received_at DESC LIMIT 1`);
  const claim = db.prepare(
    `UPDATE deliveries SET status = 'running', attempts = attempts + 1, lease_until = @leaseUntil, updated_at = @now, started_at = @now, finished_at = NULL
     WHERE key = (
       SELECT key FROM deliveries
       WHERE (status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= @now)) OR (status = 'running' AND lease_until < @now)
       ORDER BY received_at, rowid LIMIT 1
     )
     RETURNING *`,
  );
  const finish = db.prepare(
    `UPDATE deliveries SET status = @status, reason = @reason, comment_url = COALESCE(@commentUrl, comment_url),
       last_error = CASE WHEN @status IN ('failed', 'dead') THEN @reason ELSE last_error END,
       lease_until = NULL, next_attempt_at = NULL, updated_at = @now, finished_at = @now
     WHERE key = @key`,
  );
  const retry = db.prepare(
    `UPDATE deliveries SET status = 'pending', last_error = @error, next_attempt_at = @at, lease_until = NULL, updated_at = @now WHERE key = @key`,
  );
  const replay = db.prepare(
    `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = NULL, lease_until = NULL, reason = NULL, updated_at = @now
     WHERE key = (SELECT key FROM deliveries WHERE (delivery_id = @id OR key = @id) AND status IN ('failed', 'dead') ORDER BY received_at DESC LIMIT 1)
     RETURNING *`,
  );
  const list = db.prepare(`SELECT * FROM deliveries WHERE (@status IS NULL OR status = @status) ORDER BY received_at DESC, rowid DESC LIMIT @limit`);
  const release = db.prepare(`UPDATE deliveries SET status = 'pending', lease_until = NULL, updated_at = ? WHERE status = 'running'`);
  const releaseOne = db.prepare(`UPDATE deliveries SET status = 'pending', lease_until = NULL, updated_at = ? WHERE key = ? AND status = 'running'`);
  const counts = db.prepare(`SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status`);
  const slotsSince = db.prepare(`SELECT at FROM write_slots WHERE at > ? ORDER BY at`);
  const addSlot = db.prepare(`INSERT INTO write_slots (at) VALUES (?)`);
  const pruneSlots = db.prepare(`DELETE FROM write_slots WHERE at <= ?`);
  const defer = db.prepare(`UPDATE deliveries SET status = 'pending', attempts = MAX(attempts - 1, 0), next_attempt_at = @at, lease_until = NULL, updated_at = @now WHERE key = @key`);
  // One transaction, so two processes cannot both take the last slot. A slot is taken just before
  // the request leaves, but GitHub counts it when it arrives: windows are stretched by a fifth so
  // that delay (and the queueing in octokit's throttle) can never push two requests into one window.
  const windowSlack = 1.2;
  const reserve = db.transaction((given: readonly WriteLimit[], t: number, peek: boolean): { ok: true } | { ok: false; retryInMs: number } => {
    const limits = given.map((l) => ({ max: l.max, windowMs: Math.ceil(l.windowMs * windowSlack) }));
    const longest = Math.max(...limits.map((l) => l.windowMs));
    pruneSlots.run(t - longest);
    const recent = (slotsSince.all(t - longest) as Array<{ at: number }>).map((r) => r.at);
    let wait = 0;
    for (const limit of limits) {
      const inWindow = recent.filter((at) => at > t - limit.windowMs);
      if (inWindow.length >= limit.max) wait = Math.max(wait, inWindow[inWindow.length - limit.max]! + limit.windowMs - t + 1);
    }
    if (wait > 0) return { ok: false, retryInMs: wait };
    if (!peek) addSlot.run(t);
    return { ok: true };
  });
  const lock = db.prepare(
    `INSERT INTO locks (name, owner, expires_at) VALUES (@name, @owner, @expires)
     ON CONFLICT (name) DO UPDATE SET owner = @owner, expires_at = @expires WHERE locks.expires_at < @now OR locks.owner = @owner`,
  );
  const unlock = db.prepare(`DELETE FROM locks WHERE name = ? AND owner = ?`);
  const insertRun = db.prepare(
    `INSERT INTO runs (chat_id, delivery_key, delivery_id, owner, repo, issue_number, message_id, created_at)
     VALUES (@chatId, @deliveryKey, @deliveryId, @owner, @repo, @issueNumber, @messageId, @now)`,
  );
  const linkRun = db.prepare(`UPDATE deliveries SET chat_id = ? WHERE key = ?`);
  const selectRun = db.prepare(`SELECT * FROM runs WHERE chat_id = ?`);
  const updateRunComment = db.prepare(`UPDATE runs SET comment_id = ?, comment_url = ? WHERE chat_id = ?`);

  // Group commit: deliveries that arrive in the same turn of the event loop share one
  // transaction (one fsync), and each caller is answered only after that commit. A row that breaks
  // a constraint fails only its own caller (see insert-deliveries.ts).
  // (Committing on a worker thread of its own was measured too: no faster here, see the README.)
  const insertRows = createDeliveryInserter(db);
  let batch: Pending[] = [];
  const checkpointEveryBytes = 256 * 1024;
  let loggedSinceCheckpoint = 0;
  function flush() {
    const items = batch;
    batch = [];
    if (items.length === 0) return;
    let results: InsertResult[];
    try {
      results = durably(() => insertRows(items.map((item) => item.delivery), now()));
      // A checkpoint per 256 KB of deliveries: often enough that the log catches up and starts over
      // under a steady stream, rarely enough that a trickle does not pay a checkpoint (and its fsync) each.
      for (const item of items) loggedSinceCheckpoint += (item.delivery.payload?.length ?? 0) + 200;
      if (checkpointer && loggedSinceCheckpoint >= checkpointEveryBytes) {
        loggedSinceCheckpoint = 0;
        checkpointer.committed();
      }
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    items.forEach((item, index) => {
      const result = results[index]!;
      if (typeof result === "boolean") item.resolve({ inserted: result });
      else item.reject(new Error(`The delivery could not be stored: ${result.error}`));
    });
  }

  return {
    addDelivery(delivery: NewDelivery) {
      return new Promise<{ inserted: boolean }>((resolve, reject) => {
        batch.push({ delivery, resolve, reject });
        if (batch.length === 1) setImmediate(flush);
      });
    },
    async getDelivery(key) {
      const row = selectDelivery.get(key) as DeliveryRow | undefined;
      return row && toDelivery(row);
    },
    async getDeliveryById(deliveryId) {
      const row = selectByDeliveryId.get(deliveryId) as DeliveryRow | undefined;
      return row && toDelivery(row);
    },
    async claimDelivery(leaseMs) {
      const t = now();
      const row = claim.get({ now: t, leaseUntil: t + leaseMs }) as DeliveryRow | undefined;
      return row && toDelivery(row);
    },
    async finishDelivery(key, outcome: DeliveryOutcome) {
      finish.run({ key, status: outcome.status, reason: outcome.reason ?? null, commentUrl: outcome.commentUrl ?? null, now: now() });
    },
    async retryDelivery(key, next) {
      retry.run({ key, error: next.error, at: next.at, now: now() });
    },
    async replayDelivery(deliveryId) {
      const row = durably(() => replay.get({ id: deliveryId, now: now() }) as DeliveryRow | undefined);
      return row && toDelivery(row);
    },
    async listDeliveries(filter) {
      return (list.all({ status: filter.status ?? null, limit: filter.limit }) as DeliveryRow[]).map(toDelivery);
    },
    async releaseRunning() {
      return release.run(now()).changes;
    },
    async releaseDelivery(key) {
      releaseOne.run(now(), key);
    },
    async countByStatus() {
      const result: Record<DeliveryStatus, number> = { pending: 0, running: 0, done: 0, failed: 0, ignored: 0, dead: 0 };
      for (const row of counts.all() as Array<{ status: DeliveryStatus; n: number }>) result[row.status] = row.n;
      return result;
    },
    async reserveWrite(limits, options) {
      return limits.length === 0 ? { ok: true } : reserve(limits, now(), options?.peek ?? false);
    },
    async deferDelivery(key, at) {
      defer.run({ key, at, now: now() });
    },
    async tryLock(name, owner, ttlMs) {
      const t = now();
      return lock.run({ name, owner, expires: t + ttlMs, now: t }).changes === 1;
    },
    async unlock(name, owner) {
      unlock.run(name, owner);
    },
    async addRun(run) {
      db.transaction(() => {
        insertRun.run({ ...run, now: now() });
        linkRun.run(run.chatId, run.deliveryKey);
      })();
    },
    async getRun(chatId) {
      const row = selectRun.get(chatId) as RunRow | undefined;
      return row && toRun(row);
    },
    async setRunComment(chatId, comment) {
      updateRunComment.run(comment.id, comment.url, chatId);
    },
    async close() {
      flush();
      await checkpointer?.stop();
      if (db.open) db.close();
    },
  };
}
