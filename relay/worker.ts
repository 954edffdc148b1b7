import type { Logger } from "../lib/logger.ts";
import type { Coordination, WriteLimit } from "../store/coordination.ts";
import type { DeliveryRecord } from "../store/delivery-log.ts";
import type { DeliveryOutcome, DeliveryQueue } from "../store/delivery-queue.ts";
import { admitClaim } from "./admit-claim.ts";
import { createRunsInProgress } from "./runs-in-progress.ts";
import { createSerialPump } from "./serial-pump.ts";
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
  /** Which budget a repository's comments count against (GitHubClients.budgetFor). */
  budgetFor: (owner: string, repo: string) => Promise<string>;
  logger: Logger;
  /** Masked in the errors kept with a delivery: an upstream may quote a key it refused, and the page and API show them. */
  secrets?: readonly string[];
  observer?: RelayObserver;
  now?: () => number;
  /** A delivery whose run posts nothing (an observed rule's) does not wait for the comment budget. */
  postsNothing?: (delivery: DeliveryRecord) => boolean;
}

/** Takes stored deliveries one by one, at most `concurrency` at a time. */
export function createWorker(options: WorkerOptions) {
  const { queue, logger } = options;
  const now = options.now ?? Date.now;
  const observer = options.observer ?? noObserver;
  const secrets = options.secrets ?? [];
  const runs = createRunsInProgress({ ...options, logger, secrets, observer, now, onSettled: () => void pump() });
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let budgetTimer: NodeJS.Timeout | undefined;

  /**
   * Starts runs until every slot is taken or the queue has nothing due. A delivery whose comment
   * budget is used up waits, and the pass goes on: the next may count against another budget (as a
   * GitHub App, another installation's). The pass is woken again when the soonest budget frees.
   */
  async function fillSlots(): Promise<"idle" | "busy"> {
    let budgetWaitMs: number | undefined;
    let drained = false;
    while (!stopped && runs.size < options.concurrency) {
      const claim = await queue.claim(options.leaseMs);
      if (!claim) {
        drained = true;
        break;
      }
      const admission = await admitClaim(claim, { ...options, logger, observer, now });
      if (admission.run) runs.start(claim);
      else if (admission.budgetWaitMs !== undefined)
        budgetWaitMs = Math.min(budgetWaitMs ?? Infinity, admission.budgetWaitMs);
    }
    if (budgetWaitMs !== undefined) {
      clearTimeout(budgetTimer);
      budgetTimer = setTimeout(() => void pump(), budgetWaitMs);
      budgetTimer.unref();
      return "busy";
    }
    return drained && runs.size === 0 ? "idle" : "busy";
  }
  const { pump, idle } = createSerialPump(fillSlots, { logger, again: () => !stopped });

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
      await runs.settle(graceMs);
      await runs.release();
    },
    /**
     * Resolves once the worker, looking at the queue after this call, finds nothing due and has no run
     * in progress (at once when it is not working): the point after which a test can assert that
     * nothing else will happen.
     */
    idle(): Promise<void> {
      return stopped ? Promise.resolve() : idle();
    },
    get busy() {
      return runs.size;
    },
  };
}
