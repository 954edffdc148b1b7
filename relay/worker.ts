import type { Logger } from "../lib/logger.ts";
import type { Coordination, WriteLimit } from "../store/coordination.ts";
import type { DeliveryRecord } from "../store/delivery-log.ts";
import type { Claim, DeliveryOutcome, DeliveryQueue } from "../store/delivery-queue.ts";
import { admitClaim } from "./admit-claim.ts";
import { holdLease, reportLostLease, type HeldLease } from "./hold-lease.ts";
import { runClaim } from "./run-claim.ts";
import { noObserver, type RelayObserver } from "./relay-metrics.ts";

export interface WorkerOptions {
  queue: DeliveryQueue;
  /** For the comment budget, which runs wait on. */
  coordination: Coordination;
  process: (delivery: DeliveryRecord) => Promise<DeliveryOutcome>;
  concurrency: number;
  /**
   * How long a claim holds a delivery without being renewed (renewed every
   * third of it while the run lives): how soon another process takes over the
   * deliveries of one that died.
   */
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
  const { queue, logger } = options;
  const now = options.now ?? Date.now;
  const observer = options.observer ?? noObserver;
  const secrets = options.secrets ?? [];
  const inFlight = new Set<Promise<void>>();
  const running = new Map<string, { claim: Claim; held: HeldLease }>();
  let stopped = true;
  let pumping = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let budgetTimer: NodeJS.Timeout | undefined;
  const idleWaiters: Array<() => void> = [];

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
          const claim = await queue.claim(options.leaseMs);
          if (!claim) {
            empty = true;
            break;
          }
          const { delivery } = claim;
          const admission = await admitClaim(claim, { ...options, logger, observer, now });
          if (!admission.run && admission.budgetWaitMs === undefined) continue;
          if (!admission.run) {
            clearTimeout(budgetTimer);
            budgetTimer = setTimeout(() => void pump(), admission.budgetWaitMs);
            budgetTimer.unref();
            break;
          }
          logger.info("delivery claimed", { deliveryId: delivery.deliveryId, attempt: delivery.attempts });
          // Renewed every third of the lease while the run lives, so a live run keeps its delivery however long it takes.
          const held = holdLease(queue, claim.lease, { leaseMs: options.leaseMs, logger, deliveryId: delivery.deliveryId });
          running.set(delivery.key, { claim, held });
          const task = runClaim(claim, { ...options, held, logger, secrets, observer, now })
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
    /**
     * Starts taking work. What a stopped process left running is claimable
     * once its lease lapses, here or in any other process on the store.
     */
    start() {
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
     * ones still running then go back to the queue at once, for this or
     * another process (their comment marker keeps a second attempt from
     * posting twice).
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
      for (const { claim, held } of running.values()) {
        const { delivery, lease } = claim;
        held.stop();
        if (!reportLostLease(await queue.release(lease), logger, { deliveryId: delivery.deliveryId, change: "release" })) continue;
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
