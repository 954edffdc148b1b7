import type Database from "better-sqlite3";
import { threadOf, type LabelChange, type Observation, type ObservationStore } from "../observation-store.ts";

interface ObservationRow {
  delivery_key: string;
  delivery_id: string;
  chat_id: string;
  rule: string;
  owner: string;
  repo: string;
  issue_number: number;
  tool: string;
  target: string;
  text: string | null;
  labels: string;
  at: number;
}

type ChangeRow = Omit<LabelChange, "issueNumber" | "deliveryId" | "change"> & {
  issueNumber: number;
  deliveryId: string;
  change: string;
};

function toObservation(row: ObservationRow): Observation {
  return {
    deliveryKey: row.delivery_key,
    deliveryId: row.delivery_id,
    chatId: row.chat_id,
    rule: row.rule,
    owner: row.owner,
    repo: row.repo,
    issueNumber: row.issue_number,
    tool: row.tool,
    target: row.target,
    text: row.text,
    labels: JSON.parse(row.labels) as string[],
    at: row.at,
  };
}

/** Observe mode's recordings on SQLite (tables: migrate.ts). */
export function createSqliteObservationStore(db: Database.Database, options: { now: () => number }): ObservationStore {
  const insert = db.prepare(
    `INSERT INTO observations (delivery_key, delivery_id, chat_id, rule, owner, repo, issue_number, thread, tool, target, text, labels, at)
     VALUES (@deliveryKey, @deliveryId, @chatId, @rule, @owner, @repo, @issueNumber, @thread, @tool, @target, @text, @labels, @at)`,
  );
  const observed = db.prepare(`SELECT 1 FROM observations WHERE thread = ? LIMIT 1`);
  const insertChange = db.prepare(
    `INSERT INTO label_changes (delivery_id, label, owner, repo, issue_number, thread, change, at)
     VALUES (@deliveryId, @label, @owner, @repo, @issueNumber, @thread, @change, @at)
     ON CONFLICT (delivery_id, label) DO NOTHING`,
  );
  const withLabels = db.prepare(`SELECT * FROM observations WHERE labels <> '[]' AND at >= ? ORDER BY at, id`);
  const changes = db.prepare(
    `SELECT delivery_id AS deliveryId, owner, repo, issue_number AS issueNumber, label, change, at FROM label_changes
     WHERE thread IN (SELECT DISTINCT thread FROM observations WHERE labels <> '[]' AND at >= ?) ORDER BY at`,
  );
  return {
    async record(observation) {
      const { owner, repo, issueNumber } = observation;
      const labels = JSON.stringify(observation.labels);
      insert.run({ ...observation, thread: threadOf(owner, repo, issueNumber), labels, at: options.now() });
    },
    async ofDeliveries(keys) {
      if (keys.length === 0) return [];
      const marks = keys.map(() => "?").join(", ");
      const rows = db
        .prepare(`SELECT * FROM observations WHERE delivery_key IN (${marks}) ORDER BY at, id`)
        .all(...keys) as ObservationRow[];
      return rows.map(toObservation);
    },
    async observed(owner, repo, issueNumber) {
      return observed.get(threadOf(owner, repo, issueNumber)) !== undefined;
    },
    async recordLabelChange(change) {
      insertChange.run({ ...change, thread: threadOf(change.owner, change.repo, change.issueNumber) });
    },
    async labelHistory(since) {
      const rows = withLabels.all(since) as ObservationRow[];
      const kept = changes.all(since) as ChangeRow[];
      return { observations: rows.map(toObservation), changes: kept as LabelChange[] };
    },
  };
}
