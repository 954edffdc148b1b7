import { redactCredentials } from "../github/safe-comment.ts";
import type { Logger } from "../lib/logger.ts";
import { TransientError } from "../lib/transient-error.ts";
import type { DeliveryRecord } from "../store/delivery-log.ts";
import type { Claim, DeliveryOutcome, DeliveryQueue } from "../store/delivery-queue.ts";
import { backoffMs, classifyError } from "./classify-error.ts";
import { reportLostLease, type HeldLease } from "./hold-lease.ts";
import type { RelayObserver } from "./relay-metrics.ts";

export interface RunClaimOptions {
  queue: DeliveryQueue;
  /** The claim's renewals (holdLease), stopped when the run ends. */
  held: HeldLease;
  process: (delivery: DeliveryRecord) => Promise<DeliveryOutcome>;
  maxAttempts: number;
  retry: { baseMs: number; maxMs: number };
  logger: Logger;
  secrets: readonly string[];
  observer: RelayObserver;
  now: () => number;
}

type Verdict =
  | { outcome: DeliveryOutcome }
  | { retry: { error: string; inMs: number } }
  | { defer: { error: string; inMs: number } };

/** What a run's end or its error means: an outcome, or another attempt later. */
async function runToVerdict(delivery: DeliveryRecord, options: RunClaimOptions): Promise<Verdict> {
  try {
    const outcome = await options.process(delivery);
    return {
      outcome: outcome.reason ? { ...outcome, reason: redactCredentials(outcome.reason, options.secrets) } : outcome,
    };
  } catch (error) {
    const classified = classifyError(error, options.now);
    const reason = redactCredentials(classified.reason, options.secrets);
    if (!classified.transient) return { outcome: { status: "failed", reason } };
    // GitHub's budget or rate limit, not the run, stopped it: wait without using an attempt.
    if (error instanceof TransientError && error.keepsAttempt)
      return { defer: { error: reason, inMs: classified.retryAfterMs ?? options.retry.baseMs } };
    if (delivery.attempts >= options.maxAttempts)
      return { outcome: { status: "dead", reason: `gave up after ${delivery.attempts} attempts: ${reason}` } };
    return {
      retry: {
        error: reason,
        inMs: Math.max(backoffMs(delivery.attempts, options.retry), classified.retryAfterMs ?? 0),
      },
    };
  }
}

/** Runs one claimed delivery and records the outcome (or the retry) through its lease. */
export async function runClaim({ delivery, lease }: Claim, options: RunClaimOptions) {
  const { queue, logger, observer, now } = options;
  const started = now();
  const log = { deliveryId: delivery.deliveryId, attempt: delivery.attempts };
  let verdict: Verdict;
  try {
    verdict = await runToVerdict(delivery, options);
  } finally {
    options.held.stop();
  }
  const ms = now() - started;
  if ("defer" in verdict) {
    const { error, inMs } = verdict.defer;
    if (!reportLostLease(await queue.defer(lease, now() + inMs), logger, { ...log, change: "defer" })) return;
    // Counted as a retry in the metrics: it runs again later, only without using an attempt.
    observer.delivery(delivery.event, "retried");
    observer.run("retried", ms / 1000);
    logger.warn("delivery deferred without using an attempt", { ...log, inMs, error, ms });
    return;
  }
  if ("retry" in verdict) {
    const { error, inMs } = verdict.retry;
    if (!reportLostLease(await queue.retry(lease, { error, at: now() + inMs }), logger, { ...log, change: "retry" }))
      return;
    observer.delivery(delivery.event, "retried");
    observer.run("retried", ms / 1000);
    logger.warn("delivery will be retried", { ...log, inMs, error, ms });
    return;
  }
  const { outcome } = verdict;
  if (!reportLostLease(await queue.finish(lease, outcome), logger, { ...log, change: outcome.status })) return;
  observer.delivery(delivery.event, outcome.status);
  observer.run(outcome.status, ms / 1000);
  const fields = { ...log, status: outcome.status, reason: outcome.reason, commentUrl: outcome.commentUrl, ms };
  if (outcome.status === "dead") logger.error("delivery dead-lettered", fields);
  else if (outcome.status === "failed") logger.warn("delivery failed", fields);
  else logger.info("delivery finished", fields);
}
