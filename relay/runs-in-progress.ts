import type { Claim } from "../store/delivery-queue.ts";
import { holdLease, reportLostLease, type HeldLease } from "./hold-lease.ts";
import { runClaim, type RunClaimOptions } from "./run-claim.ts";

export interface RunsInProgressOptions extends Omit<RunClaimOptions, "held"> {
  leaseMs: number;
  /** Called when a run has ended and its outcome is recorded (or could not be). */
  onSettled: () => void;
}

/** The worker's runs in progress: each holds its lease while it lives, and goes back to the queue if stopped. */
export function createRunsInProgress(options: RunsInProgressOptions) {
  const { queue, logger } = options;
  const inFlight = new Set<Promise<void>>();
  const running = new Map<string, { claim: Claim; held: HeldLease }>();
  return {
    get size() {
      return inFlight.size;
    },
    start(claim: Claim) {
      const { delivery } = claim;
      logger.info("delivery claimed", { deliveryId: delivery.deliveryId, attempt: delivery.attempts });
      // Renewed every third of the lease while the run lives, so a live run keeps its delivery however long it takes.
      const held = holdLease(queue, claim.lease, { leaseMs: options.leaseMs, logger, deliveryId: delivery.deliveryId });
      running.set(delivery.key, { claim, held });
      const task = runClaim(claim, { ...options, held })
        .catch((error) =>
          logger.error("could not record a delivery's outcome", { deliveryId: delivery.deliveryId, error }),
        )
        .finally(() => {
          inFlight.delete(task);
          running.delete(delivery.key);
          options.onSettled();
        });
      inFlight.add(task);
    },
    /** Waits for the runs to end, at most `graceMs`. */
    async settle(graceMs: number) {
      const all = Promise.allSettled([...inFlight]);
      if (Number.isFinite(graceMs)) {
        let timeout: NodeJS.Timeout | undefined;
        await Promise.race([all, new Promise((r) => (timeout = setTimeout(r, graceMs)))]);
        clearTimeout(timeout);
      } else {
        await all;
      }
    },
    /** Gives the runs still going back to the queue at once, for this or another process. */
    async release() {
      for (const { claim, held } of running.values()) {
        const { delivery, lease } = claim;
        held.stop();
        if (
          !reportLostLease(await queue.release(lease), logger, { deliveryId: delivery.deliveryId, change: "release" })
        )
          continue;
        logger.warn("run unfinished at shutdown; the delivery goes back to the queue", {
          deliveryId: delivery.deliveryId,
        });
      }
    },
  };
}
