import { redactCredentials } from "../github/safe-comment.ts";
import type { Logger } from "../lib/logger.ts";
import { backoffMs, classifyError } from "./classify-error.ts";
import type { DeliveryOutcome, DeliveryRecord, Store, WriteLimit } from "../store/store.ts";
import { noObserver, type RelayObserver } from "./relay-metrics.ts";

export interface WorkerOptions {
  store: Store;
  process: (delivery: DeliveryRecord) => Promise<DeliveryOutcome>;
  concurrency: number;
  /** How long a claimed delivery stays ours; longer than the longest run. */
  leaseMs: number;
  /** How often the queue is looked at without being woken. */
  pollIntervalMs: number;
  /** Attempts before a delivery that keeps failing transiently is dead-lettered. */
  maxAttempts: number;
  retry: { baseMs: number; maxMs: number };
  /** GitHub's comment budget: runs wait while it is used up (the slot itself is taken when the comment is posted). */
  writeLimits: readonly WriteLimit[];
  logger: Logger;
  /** Masked in the errors kept with a delivery: an upstream may quote a key it refused, and the page and API show them. */
  secrets?: readonly string[];
  observer?: RelayObserver;
  now?: () => number;
}

/** Takes stored deliveries one by one, at most `concurrency` at a time. */
export function createWorker(options: WorkerOptions) {
  const { store, logger } = options;
  const now = options.now ?? Date.now;
  const observer = options.observer ?? noObserver;
  const secrets = options.secrets ?? [];
  const inFlight = new Set<Promise<void>>();
  const running = new Map<string, DeliveryRecord>();
  let stopped = true;
  let pumping = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let budgetTimer: NodeJS.Timeout | undefined;
  const idleWaiters: Array<() => void> = [];

  async function runOne(delivery: DeliveryRecord) {
    const started = now();
    const log = { deliveryId: delivery.deliveryId, attempt: delivery.attempts };
    let outcome: DeliveryOutcome;
    try {
      outcome = await options.process(delivery);
    } catch (error) {
      const classified = classifyError(error, now);
      const verdict = { ...classified, reason: redactCredentials(classified.reason, secrets) };
      if (!verdict.transient) {
        outcome = { status: "failed", reason: verdict.reason };
      } else if (delivery.attempts >= options.maxAttempts) {
        outcome = { status: "dead", reason: `gave up after ${delivery.attempts} attempts: ${verdict.reason}` };
      } else {
        const wait = Math.max(backoffMs(delivery.attempts, options.retry), verdict.retryAfterMs ?? 0);
        await store.retryDelivery(delivery.key, { error: verdict.reason, at: now() + wait });
        observer.delivery(delivery.event, "retried");
        observer.run("retried", (now() - started) / 1000);
        logger.warn("delivery will be retried", { ...log, inMs: wait, error: verdict.reason, ms: now() - started });
        return;
      }
    }
    if (outcome.reason) outcome = { ...outcome, reason: redactCredentials(outcome.reason, secrets) };
    await store.finishDelivery(delivery.key, outcome);
    observer.delivery(delivery.event, outcome.status);
    observer.run(outcome.status, (now() - started) / 1000);
    const fields = { ...log, status: outcome.status, reason: outcome.reason, commentUrl: outcome.commentUrl, ms: now() - started };
    if (outcome.status === "dead") logger.error("delivery dead-lettered", fields);
    else if (outcome.status === "failed") logger.warn("delivery failed", fields);
    else logger.info("delivery finished", fields);
  }

  async function pump() {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      let empty = false;
      do {
        again = false;
        empty = false;
        while (!stopped && inFlight.size < options.concurrency) {
          const delivery = await store.claimDelivery(options.leaseMs);
          if (!delivery) {
            empty = true;
            break;
          }
          // Attempts are counted at claim: one that took the process down each time ends here too.
          if (delivery.attempts > options.maxAttempts) {
            const reason = `gave up after ${options.maxAttempts} attempts: ${delivery.lastError ?? "the process stopped during each attempt"}`;
            await store.finishDelivery(delivery.key, { status: "dead", reason });
            observer.delivery(delivery.event, "dead");
            logger.error("delivery dead-lettered at claim", { deliveryId: delivery.deliveryId, attempts: delivery.attempts, reason });
            continue;
          }
          // Queue rather than let GitHub refuse the comment: no run starts while the token's budget is used up.
          const slot = await store.reserveWrite(options.writeLimits, { peek: true });
          if (!slot.ok) {
            await store.deferDelivery(delivery.key, now() + slot.retryInMs);
            logger.info("comment budget used up; the delivery waits", { deliveryId: delivery.deliveryId, inMs: slot.retryInMs });
            clearTimeout(budgetTimer);
            budgetTimer = setTimeout(() => void pump(), slot.retryInMs);
            budgetTimer.unref();
            break;
          }
          logger.info("delivery claimed", { deliveryId: delivery.deliveryId, attempt: delivery.attempts });
          running.set(delivery.key, delivery);
          const task = runOne(delivery)
            .catch((error) => logger.error("could not record a delivery's outcome", { deliveryId: delivery.deliveryId, error }))
            .finally(() => {
              inFlight.delete(task);
              running.delete(delivery.key);
              void pump();
            });
          inFlight.add(task);
        }
      } while (again && !stopped);
      if (empty && inFlight.size === 0) for (const done of idleWaiters.splice(0)) done();
    } catch (error) {
      logger.error("worker could not read the queue", { error });
    } finally {
      pumping = false;
    }
  }

  return {
    /** Resumes deliveries a previous process left running, then starts taking work. */
    async start() {
      const released = await store.releaseRunning();
      if (released > 0) logger.info("resuming deliveries left unfinished", { count: released });
      stopped = false;
      timer = setInterval(() => void pump(), options.pollIntervalMs);
      timer.unref();
      void pump();
    },
    wake() {
      if (!stopped) void pump();
    },
    /**
     * Stops taking work and gives runs in progress `graceMs` to finish; the
     * ones still running then go back to the queue for the next start (their
     * comment marker keeps a second attempt from posting twice).
     */
    async stop(graceMs = Number.POSITIVE_INFINITY) {
      stopped = true;
      if (timer) clearInterval(timer);
      clearTimeout(budgetTimer);
      const all = Promise.allSettled([...inFlight]);
      if (Number.isFinite(graceMs)) {
        let timeout: NodeJS.Timeout | undefined;
        await Promise.race([all, new Promise((r) => (timeout = setTimeout(r, graceMs)))]);
        clearTimeout(timeout);
      } else {
        await all;
      }
      for (const delivery of running.values()) {
        await store.releaseDelivery(delivery.key);
        logger.warn("run unfinished at shutdown; the delivery goes back to the queue", { deliveryId: delivery.deliveryId });
      }
    },
    /**
     * Resolves once the worker, looking at the queue after this call, finds nothing due and has no run
     * in progress (at once when it is not working): the point after which a test can assert that
     * nothing else will happen.
     */
    idle(): Promise<void> {
      if (stopped) return Promise.resolve();
      const settled = new Promise<void>((done) => idleWaiters.push(done));
      void pump();
      return settled;
    },
    get busy() {
      return inFlight.size;
    },
  };
}
