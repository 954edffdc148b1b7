import type Database from "better-sqlite3";
import type { KeptAnswer, NewRun, RunComment, RunStore } from "../run-store.ts";
import { createSqliteCommentThreads } from "./sqlite-comment-threads.ts";
import { toRun, type RunRow } from "./sqlite-rows.ts";

const insertRun = `INSERT INTO runs (chat_id, delivery_key, delivery_id, owner, repo, issue_number, message_id, user_id,
       rule_settings, review_comment_id, asked_by, created_at)
     VALUES (@chatId, @deliveryKey, @deliveryId, @owner, @repo, @issueNumber, @messageId, @userId,
       @ruleSettings, @reviewCommentId, @askedBy, @now)`;

function insertParameters({ rule, reviewCommentId, ...run }: NewRun, now: number) {
  const ruleSettings = rule ? JSON.stringify(rule) : null;
  const askedBy = run.askedBy ?? null;
  return { ...run, userId: run.userId ?? null, ruleSettings, reviewCommentId: reviewCommentId ?? null, askedBy, now };
}

/** What a run has written so far, for its rule's caps. */
function runWrites(db: Database.Database): Pick<RunStore, "setCommentsPosted" | "setLabelsAdded"> {
  const setCommentsPosted = db.prepare(`UPDATE runs SET comments_posted = ? WHERE chat_id = ?`);
  const setLabelsAdded = db.prepare(`UPDATE runs SET labels_added = ? WHERE chat_id = ?`);
  return {
    async setCommentsPosted(chatId, count) {
      setCommentsPosted.run(count, chatId);
    },
    async setLabelsAdded(chatId, labels) {
      setLabelsAdded.run(JSON.stringify(labels), chatId);
    },
  };
}

/** Runs on SQLite: the relay adds them, the tool server (maybe another process on the file) reads them. */
export function createSqliteRunStore(db: Database.Database, options: { now: () => number }): RunStore {
  const insert = db.prepare(insertRun);
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
  const add = db.transaction((run: NewRun, now: number) => {
    insert.run(insertParameters(run, now));
    link.run(run.chatId, run.deliveryKey);
  });
  return {
    ...createSqliteCommentThreads(db),
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
    ...runWrites(db),
    async keepAnswer(chatId, answer) {
      keepAnswer.run(answer, chatId);
    },
    async keptAnswerOf(deliveryKey) {
      return keptAnswerOf.get(deliveryKey) as KeptAnswer | undefined;
    },
  };
}
