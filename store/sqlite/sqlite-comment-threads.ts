import type Database from "better-sqlite3";
import type { CommentThread, RunStore, ThreadClaim } from "../run-store.ts";

interface ThreadRow {
  comment_id: number | null;
  comment_url: string | null;
  newest_key: string | null;
  newest_id: string | null;
  newest_at: number | null;
}

function toThread(row: ThreadRow): CommentThread {
  const { comment_id: id, comment_url: url, newest_key: deliveryKey, newest_id: deliveryId, newest_at: at } = row;
  return {
    comment: id !== null && url !== null ? { id, url } : null,
    newest:
      deliveryKey !== null && deliveryId !== null && at !== null ? { deliveryKey, deliveryId, receivedAt: at } : null,
  };
}

/** The threads of `comment: update` rules on SQLite (RunStore.threadOf, claimThread, setThreadComment). */
export function createSqliteCommentThreads(
  db: Database.Database,
): Pick<RunStore, "threadOf" | "claimThread" | "setThreadComment"> {
  const select = db.prepare(`SELECT * FROM comment_threads WHERE thread = ?`);
  // One statement: two processes claiming at once both compare against what the other wrote.
  const claim = db.prepare(
    `INSERT INTO comment_threads (thread, newest_key, newest_id, newest_at) VALUES (@thread, @deliveryKey, @deliveryId, @receivedAt)
     ON CONFLICT (thread) DO UPDATE SET newest_key = excluded.newest_key, newest_id = excluded.newest_id, newest_at = excluded.newest_at
     WHERE newest_key IS NULL OR excluded.newest_at > newest_at OR (excluded.newest_at = newest_at AND excluded.newest_key > newest_key)`,
  );
  const setComment = db.prepare(
    `INSERT INTO comment_threads (thread, comment_id, comment_url) VALUES (?, ?, ?)
     ON CONFLICT (thread) DO UPDATE SET comment_id = excluded.comment_id, comment_url = excluded.comment_url`,
  );
  const claimAndRead = db.transaction((thread: string, claimed: ThreadClaim) => {
    claim.run({ thread, ...claimed });
    return toThread(select.get(thread) as ThreadRow).newest!;
  });
  return {
    async threadOf(thread) {
      const row = select.get(thread) as ThreadRow | undefined;
      return row && toThread(row);
    },
    async claimThread(thread, claimed) {
      return claimAndRead.immediate(thread, claimed);
    },
    async setThreadComment(thread, comment) {
      setComment.run(thread, comment.id, comment.url);
    },
  };
}
