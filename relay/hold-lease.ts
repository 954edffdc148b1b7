import type { Logger } from "../lib/logger.ts";
import type { DeliveryQueue, Lease } from "../store/delivery-queue.ts";

export interface HeldLease {
  stop(): void;
}

/**
 * Renews a claim's lease every third of `leaseMs` until stopped, so a live run
 * keeps its delivery however long it takes, and a process that dies loses it
 * within `leaseMs`. A renewal answered false means another process claimed the
 * delivery after our lease lapsed (this process stalled): it is logged, and
 * the outcome this run records will be refused too.
 */
export function holdLease(
  queue: DeliveryQueue,
  lease: Lease,
  options: { leaseMs: number; logger: Logger; deliveryId: string },
): HeldLease {
  // Lost, or stopped: a renewal still in flight when the run ends may find the delivery finished, which is no loss.
  let done = false;
  const timer = setInterval(
    () => {
      queue.renew(lease, options.leaseMs).then(
        (held) => {
          if (held || done) return;
          done = true;
          clearInterval(timer);
          options.logger.warn("the delivery's lease was lost: another process has claimed it", {
            deliveryId: options.deliveryId,
          });
        },
        (error: unknown) =>
          options.logger.warn("could not renew the delivery's lease", { deliveryId: options.deliveryId, error }),
      );
    },
    Math.max(Math.floor(options.leaseMs / 3), 1),
  );
  timer.unref();
  return {
    stop() {
      done = true;
      clearInterval(timer);
    },
  };
}

/** Logs an answer of false from a change made through a lease: the change did not happen. */
export function reportLostLease(changed: boolean, logger: Logger, fields: { deliveryId: string; change: string }) {
  if (!changed)
    logger.warn("the delivery's lease was lost, another process has it: the change was not recorded", fields);
  return changed;
}
