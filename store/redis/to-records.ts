import type { DeliveryRecord, DeliveryStatus } from "../delivery-log.ts";
import type { RunRecord, RunRule } from "../run-store.ts";

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

/**
 * Reads a record's fields from its hash by the kind each holds: a string the
 * scripts always write, text or an integer that may be absent, a number.
 */
function fieldReader(f: Fields) {
  const kind =
    <V>(read: (value: string | undefined) => V) =>
    <K extends string>(...names: K[]) =>
      Object.fromEntries(names.map((name) => [name, read(f[name])])) as Record<K, V>;
  return { strings: kind((value) => value!), texts: kind(text), ints: kind(int), numbers: kind(Number) };
}

/** A delivery's hash (see delivery-scripts.ts); undefined for a missing key (an empty hash). */
export function toDelivery(f: Fields): DeliveryRecord | undefined {
  if (!f.key) return undefined;
  const read = fieldReader(f);
  return {
    ...read.strings("key", "deliveryId", "event"),
    status: f.status as DeliveryStatus,
    ...read.texts(
      "action",
      "reason",
      "repository",
      "rule",
      "payload",
      "chatId",
      "commentUrl",
      "lastError",
      "notifyError",
    ),
    ...read.ints("issueNumber", "nextAttemptAt", "startedAt", "finishedAt"),
    ...read.numbers("receivedAt", "updatedAt"),
    attempts: Number(f.attempts ?? 0),
  };
}

/** A run's hash (see coordination-scripts.ts); undefined for a missing chat. */
export function toRun(f: Fields): RunRecord | undefined {
  if (!f.chatId) return undefined;
  const read = fieldReader(f);
  return {
    ...read.strings("chatId", "deliveryKey", "deliveryId", "owner", "repo", "messageId"),
    ...read.numbers("issueNumber", "createdAt"),
    ...read.ints("commentId", "finishedAt", "reviewCommentId"),
    ...read.texts("commentUrl", "userId"),
    rule: f.rule ? (JSON.parse(f.rule) as RunRule) : null,
    commentsPosted: Number(f.commentsPosted ?? 0),
    labelsAdded: f.labelsAdded ? (JSON.parse(f.labelsAdded) as string[]) : [],
    live: f.live === "1",
    ...(f.askedBy ? { askedBy: f.askedBy } : {}),
  };
}
