import type Database from "better-sqlite3";
import type { KeptAnswer, RunComment, RunStore } from "../run-store.ts";
import { toRun, type RunRow } from "./sqlite-rows.ts";

/** Runs on SQLite: the relay adds them, the tool server (maybe another process on the file) reads them. */
export function createSqliteRunStore(db: Database.Database, options: { now: () => number }): RunStore {
  const insert = db.prepare(
    `INSERT INTO runs (chat_id, delivery_key, delivery_id, owner, repo, issue_number, message_id, user_id, asked_by, created_at)
     VALUES (@chatId, @deliveryKey, @deliveryId, @owner, @repo, @issueNumber, @messageId, @userId, @askedBy, @now)`,
  );
  const link = db.prepare(`UPDATE deliveries SET chat_id = ? WHERE key = ?`);
  const select = db.prepare(
    `SELECT runs.*, (runs.finished_at IS NULL AND d.status IN ('pending', 'running') AND d.chat_id = runs.chat_id) AS live
     FROM runs LEFT JOIN deliveries d ON d.key = runs.delivery_key WHERE runs.chat_id = ?`,
  );
  const finish = db.prepare(`UPDATE runs SET finished_at = ? WHERE chat_id = ? AND finished_at IS NULL`);
  const setComment = db.prepare(`UPDATE runs SET comment_id = ?, comment_url = ? WHERE chat_id = ?`);
  const chatsToDelete = db.prepare(
    `SELECT chat_id FROM runs WHERE chat_deleted_at IS NULL AND created_at < ? ORDER BY created_at LIMIT ?`,
  );
  const chatDeleted = db.prepare(`UPDATE runs SET chat_deleted_at = ? WHERE chat_id = ?`);
  const commentOf = db.prepare(
    `SELECT comment_id AS id, comment_url AS url FROM runs
     WHERE delivery_key = ? AND comment_id IS NOT NULL ORDER BY created_at LIMIT 1`,
  );
  const keepAnswer = db.prepare(`UPDATE runs SET answer = ? WHERE chat_id = ?`);
  const keptAnswerOf = db.prepare(
    `SELECT chat_id AS chatId, answer FROM runs
     WHERE delivery_key = ? AND answer IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT 1`,
  );
  const add = db.transaction((run: Parameters<RunStore["add"]>[0], now: number) => {
    insert.run({ ...run, userId: run.userId ?? null, askedBy: run.askedBy ?? null, now });
    link.run(run.chatId, run.deliveryKey);
  });
  return {
    async add(run) {
      add.immediate(run, options.now());
    },
    async get(chatId) {
      const row = select.get(chatId) as RunRow | undefined;
      return row && toRun(row);
    },
    async finish(chatId) {
      finish.run(options.now(), chatId);
    },
    async setComment(chatId, comment) {
      setComment.run(comment.id, comment.url, chatId);
    },
    async chatsToDelete(before, limit) {
      return (chatsToDelete.all(before, limit) as Array<{ chat_id: string }>).map((row) => row.chat_id);
    },
    async chatDeleted(chatId) {
      chatDeleted.run(options.now(), chatId);
    },
    async commentOf(deliveryKey) {
      return commentOf.get(deliveryKey) as RunComment | undefined;
    },
    async keepAnswer(chatId, answer) {
      keepAnswer.run(answer, chatId);
    },
    async keptAnswerOf(deliveryKey) {
      return keptAnswerOf.get(deliveryKey) as KeptAnswer | undefined;
    },
  };
}
