import type { DeliveryRecord, DeliveryStatus } from "../delivery-log.ts";
import type { RunRecord } from "../run-store.ts";

type Fields = Record<string, string>;

/** A hash as a script returns it (HGETALL inside Lua: field, value, field, value…). */
export function pairsToFields(pairs: unknown): Fields {
  const list = pairs as string[];
  const fields: Fields = {};
  for (let i = 0; i + 1 < list.length; i += 2) fields[list[i]!] = list[i + 1]!;
  return fields;
}

const text = (value: string | undefined) => value ?? null;
const int = (value: string | undefined) => (value === undefined || value === "" ? null : Number(value));

/** A delivery's hash (see delivery-scripts.ts); undefined for a missing key (an empty hash). */
export function toDelivery(f: Fields): DeliveryRecord | undefined {
  if (!f.key) return undefined;
  return {
    key: f.key,
    deliveryId: f.deliveryId!,
    event: f.event!,
    action: text(f.action),
    status: f.status as DeliveryStatus,
    reason: text(f.reason),
    repository: text(f.repository),
    issueNumber: int(f.issueNumber),
    payload: text(f.payload),
    attempts: Number(f.attempts ?? 0),
    receivedAt: Number(f.receivedAt),
    updatedAt: Number(f.updatedAt),
    chatId: text(f.chatId),
    commentUrl: text(f.commentUrl),
    lastError: text(f.lastError),
    nextAttemptAt: int(f.nextAttemptAt),
    startedAt: int(f.startedAt),
    finishedAt: int(f.finishedAt),
  };
}

/** A run's hash (see coordination-scripts.ts); undefined for a missing chat. */
export function toRun(f: Fields): RunRecord | undefined {
  if (!f.chatId) return undefined;
  return {
    chatId: f.chatId,
    deliveryKey: f.deliveryKey!,
    deliveryId: f.deliveryId!,
    owner: f.owner!,
    repo: f.repo!,
    issueNumber: Number(f.issueNumber),
    messageId: f.messageId!,
    commentId: int(f.commentId),
    commentUrl: text(f.commentUrl),
    createdAt: Number(f.createdAt),
  };
}
