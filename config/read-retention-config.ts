import type { Env } from "./config-error.ts";
import { flag, integer, readEnvFields } from "./env-fields.ts";

const day = 86_400_000;
/** GitHub redelivers (by hand or through reconciliation) for 3 days; the dedupe must still know each delivery by then. */
const minimumDays = 3;

export interface RetentionConfig {
  /** Done and ignored deliveries are deleted this long after their last change (RELAY_RETENTION_DAYS). */
  keepMs: number;
  /** Failed and dead ones, which can still be replayed (RELAY_FAILED_RETENTION_DAYS, at least RELAY_RETENTION_DAYS). */
  keepFailedMs: number;
  /** Keep a done delivery's whole payload rather than its issue's title and link (RELAY_KEEP_DONE_PAYLOADS). */
  keepDonePayloads: boolean;
  /** How often the worker side prunes (RELAY_RETENTION_INTERVAL_MS), and the most rows per transaction. */
  intervalMs: number;
  batchSize: number;
  /** Delete each run's Open WebUI chat this long after the run started; null keeps them (OPENWEBUI_CHAT_RETENTION_DAYS). */
  chatKeepMs: number | null;
}

const fields = {
  days: integer("RELAY_RETENTION_DAYS", 30, { min: 0, max: 36_500 }),
  failedDays: integer("RELAY_FAILED_RETENTION_DAYS", 0, { min: 0, max: 36_500 }),
  keepDonePayloads: flag("RELAY_KEEP_DONE_PAYLOADS", false),
  intervalMs: integer("RELAY_RETENTION_INTERVAL_MS", 600_000, { min: 1_000, max: 86_400_000 }),
  chatDays: integer("OPENWEBUI_CHAT_RETENTION_DAYS", 0, { min: 0, max: 36_500 }),
};

/** The retention policy's variables, with a problem for each that would delete what the dedupe or a replay needs. */
export function readRetentionConfig(env: Env): { retention: RetentionConfig; problems: string[] } {
  const { values: v, problems } = readEnvFields(env, fields);
  if (v.days < minimumDays)
    problems.push(
      `RELAY_RETENTION_DAYS is ${v.days}: keep deliveries at least ${minimumDays} days, GitHub's redelivery window, or a redelivery would run twice (default 30)`,
    );
  const failedDays = env.RELAY_FAILED_RETENTION_DAYS?.trim() ? v.failedDays : v.days;
  if (failedDays < v.days)
    problems.push(
      `RELAY_FAILED_RETENTION_DAYS is ${failedDays}, less than RELAY_RETENTION_DAYS (${v.days}): failed and dead deliveries are kept at least as long, or leave it empty`,
    );
  return {
    retention: {
      keepMs: v.days * day,
      keepFailedMs: failedDays * day,
      keepDonePayloads: v.keepDonePayloads,
      intervalMs: v.intervalMs,
      batchSize: 500,
      chatKeepMs: v.chatDays > 0 ? v.chatDays * day : null,
    },
    problems,
  };
}
