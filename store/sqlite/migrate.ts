import type Database from "better-sqlite3";

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
  // A token per claim, so a holder whose lease lapsed cannot change what the next holder runs; and
  // counts kept as rows change (by the inserter, see insert-deliveries.ts, and by triggers when a
  // status changes), so the health check and each metrics scrape read six rows instead of scanning
  // every delivery.
  `ALTER TABLE deliveries ADD COLUMN lease_token TEXT;
   CREATE TABLE delivery_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
   INSERT INTO delivery_counts (status, n) VALUES ('pending', 0), ('running', 0), ('done', 0), ('failed', 0), ('ignored', 0), ('dead', 0);
   UPDATE delivery_counts SET n = (SELECT COUNT(*) FROM deliveries WHERE deliveries.status = delivery_counts.status);
   CREATE TRIGGER deliveries_count_update AFTER UPDATE OF status ON deliveries WHEN OLD.status <> NEW.status BEGIN
     UPDATE delivery_counts SET n = n - 1 WHERE status = OLD.status;
     UPDATE delivery_counts SET n = n + 1 WHERE status = NEW.status;
   END;
   CREATE TRIGGER deliveries_count_delete AFTER DELETE ON deliveries BEGIN
     UPDATE delivery_counts SET n = n - 1 WHERE status = OLD.status;
   END;`,
  // Named epochs (store/coordination.ts): sign-out on the deliveries page advances one to end every session.
  `CREATE TABLE epochs (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;`,
  // Retention (prune-sqlite.ts) takes the finished deliveries of each status oldest change first, and
  // the runs whose Open WebUI chat is still there oldest first (OPENWEBUI_CHAT_RETENTION_DAYS).
  `CREATE INDEX deliveries_by_age ON deliveries (status, updated_at);
   ALTER TABLE runs ADD COLUMN chat_deleted_at INTEGER;
   CREATE INDEX runs_chat_kept ON runs (created_at) WHERE chat_deleted_at IS NULL;`,
  // The model's answer kept on its run (a run stopped by the comment budget posts it later without a
  // new completion), and runs found by delivery (a retry looks for the comment any run recorded).
  // …and the next free turn of each shared pace (spacing between new comments, see Coordination.takeTurn).
  `ALTER TABLE runs ADD COLUMN answer TEXT;
   CREATE INDEX runs_by_delivery ON runs (delivery_key, created_at);
   CREATE TABLE paces (name TEXT PRIMARY KEY, next_at INTEGER NOT NULL) WITHOUT ROWID;`,
  // A comment budget per name (Coordination.reserveWrite): as a GitHub App, one per installation.
  // Slots taken before there were names were the token's ('token', GitHubClients.budgetFor).
  // write_slots_at stays for retention, which trims every budget at once.
  `ALTER TABLE write_slots ADD COLUMN budget TEXT NOT NULL DEFAULT 'token';
   CREATE INDEX write_slots_by_budget ON write_slots (budget, at);`,
  // The Open WebUI account a run's chat belongs to, and when the run ended: the tool server takes a
  // chat id as a run's only from that account, and only while the run lasts (issue 12).
  `ALTER TABLE runs ADD COLUMN user_id TEXT;
   ALTER TABLE runs ADD COLUMN finished_at INTEGER;`,
  // The rule a delivery runs (relay/rules), and when each rule last started a run on an issue or
  // pull request (its cooldown): one row per rule and thread.
  `ALTER TABLE deliveries ADD COLUMN rule TEXT;
   CREATE TABLE rule_runs (turn TEXT PRIMARY KEY, delivery_key TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;`,
  // What a run's rule lets it do (RunRule as JSON), read by the tool server on every call of the
  // run, and the review thread a review comment's run answers in.
  `ALTER TABLE runs ADD COLUMN rule_settings TEXT;
   ALTER TABLE runs ADD COLUMN review_comment_id INTEGER;`,
  // The notifications of a delivery's run that failed (a rule's notify:), for the deliveries page.
  `ALTER TABLE deliveries ADD COLUMN notify_error TEXT;`,
  // A `comment: update` rule's thread (rule, repository, issue or pull request): its one comment,
  // and the newest delivery that started a run on it (older runs are superseded).
  `CREATE TABLE comment_threads (thread TEXT PRIMARY KEY, comment_id INTEGER, comment_url TEXT,
     newest_key TEXT, newest_id TEXT, newest_at INTEGER) WITHOUT ROWID;`,
  // What a run has written so far, counted against its rule's max_comments and max_labels (labels as JSON).
  `ALTER TABLE runs ADD COLUMN comments_posted INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE runs ADD COLUMN labels_added TEXT;`,
  // Who asked a chat run in Slack, Discord or Teams (RunRecord.askedBy): the tool server applies that person's policy.
  `ALTER TABLE runs ADD COLUMN asked_by TEXT;`,
  // Observe mode (store/observation-store.ts): the writes an observed run would have made, found by
  // delivery (the deliveries page) and by issue (the webhook door, the label agreement); and people's
  // label changes on those issues, once per delivery and label.
  `CREATE TABLE observations (
     id INTEGER PRIMARY KEY,
     delivery_key TEXT NOT NULL,
     delivery_id TEXT NOT NULL,
     chat_id TEXT NOT NULL,
     rule TEXT NOT NULL,
     owner TEXT NOT NULL,
     repo TEXT NOT NULL,
     issue_number INTEGER NOT NULL,
     thread TEXT NOT NULL,
     tool TEXT NOT NULL,
     target TEXT NOT NULL,
     text TEXT,
     labels TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   CREATE INDEX observations_by_delivery ON observations (delivery_key, id);
   CREATE INDEX observations_by_thread ON observations (thread, at);
   CREATE INDEX observations_with_labels ON observations (at) WHERE labels <> '[]';
   CREATE TABLE label_changes (
     delivery_id TEXT NOT NULL,
     label TEXT NOT NULL,
     owner TEXT NOT NULL,
     repo TEXT NOT NULL,
     issue_number INTEGER NOT NULL,
     thread TEXT NOT NULL,
     change TEXT NOT NULL,
     at INTEGER NOT NULL,
     PRIMARY KEY (delivery_id, label)
   ) WITHOUT ROWID;
   CREATE INDEX label_changes_by_thread ON label_changes (thread, at);
   CREATE INDEX label_changes_by_age ON label_changes (at);`,
];

/** The schema version this code writes. */
export const schemaVersion = migrations.length;

/**
 * Moves the file's schema on to `target` (this code's version unless a test
 * asks for an older one). Refuses a file from a newer version: its schema may
 * mean things this code would damage.
 */
export function migrate(db: Database.Database, target = schemaVersion) {
  // IMMEDIATE takes the write lock before reading the version: the relay and the tool server may
  // open a new file at the same moment, and only one of them must run each step.
  db.transaction(() => {
    const current = db.pragma("user_version", { simple: true }) as number;
    if (current > schemaVersion) {
      throw new Error(
        `The store at ${db.name} has schema version ${current}, newer than this code knows (${schemaVersion}). Upgrade openwebui-github.`,
      );
    }
    for (let version = current; version < target; version++) {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }
  }).immediate();
}
