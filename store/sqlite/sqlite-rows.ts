import type { DeliveryRecord, DeliveryStatus } from "../delivery-log.ts";
import type { RunRecord, RunRule } from "../run-store.ts";

export interface DeliveryRow {
  key: string;
  delivery_id: string;
  event: string;
  action: string | null;
  status: DeliveryStatus;
  reason: string | null;
  repository: string | null;
  issue_number: number | null;
  rule: string | null;
  payload: string | null;
  attempts: number;
  received_at: number;
  updated_at: number;
  chat_id: string | null;
  comment_url: string | null;
  last_error: string | null;
  notify_error: string | null;
  next_attempt_at: number | null;
  started_at: number | null;
  finished_at: number | null;
}

export interface RunRow {
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
  user_id: string | null;
  finished_at: number | null;
  /** RunRule as JSON. */
  rule_settings: string | null;
  review_comment_id: number | null;
  comments_posted: number;
  /** The labels as a JSON list; null before the run added any. */
  labels_added: string | null;
  asked_by: string | null;
  /** Computed by the run store's query (0 or 1). */
  live: number;
}

export function toDelivery(row: DeliveryRow): DeliveryRecord {
  return {
    key: row.key,
    deliveryId: row.delivery_id,
    event: row.event,
    action: row.action,
    status: row.status,
    reason: row.reason,
    repository: row.repository,
    issueNumber: row.issue_number,
    rule: row.rule,
    payload: row.payload,
    attempts: row.attempts,
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
    chatId: row.chat_id,
    commentUrl: row.comment_url,
    lastError: row.last_error,
    notifyError: row.notify_error,
    nextAttemptAt: row.next_attempt_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export function toRun(row: RunRow): RunRecord {
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
    userId: row.user_id,
    finishedAt: row.finished_at,
    rule: row.rule_settings === null ? null : (JSON.parse(row.rule_settings) as RunRule),
    reviewCommentId: row.review_comment_id,
    commentsPosted: row.comments_posted,
    labelsAdded: row.labels_added === null ? [] : (JSON.parse(row.labels_added) as string[]),
    live: row.live === 1,
    ...(row.asked_by ? { askedBy: row.asked_by } : {}),
  };
}
