import type { Logger } from "../lib/logger.ts";
import type { Coordination, WriteLimit } from "../store/coordination.ts";
import type { Claim, DeliveryQueue } from "../store/delivery-queue.ts";
import { reportLostLease } from "./hold-lease.ts";
import type { RelayObserver } from "./relay-metrics.ts";

export type Admission = { run: true } | { run: false; budgetWaitMs?: number };

/**
 * Decides whether a claimed delivery runs now. One whose attempts ran out
 * (counted at claim: one that took the process down each time ends here too)
 * is dead-lettered; while the comment budget is used up, the delivery goes
 * back to the queue until a slot frees, without counting the attempt, rather
 * than run and have GitHub refuse its comment.
 */
export async function admitClaim(
  { delivery, lease }: Claim,
  options: {
    queue: DeliveryQueue;
    coordination: Coordination;
    maxAttempts: number;
    writeLimits: readonly WriteLimit[];
    budgetFor: (owner: string, repo: string) => Promise<string>;
    logger: Logger;
    observer: RelayObserver;
    now: () => number;
    /** True for a delivery whose run posts nothing (an observed rule's): it does not wait for the budget. */
    postsNothing?: (delivery: Claim["delivery"]) => boolean;
  },
): Promise<Admission> {
  const { queue, logger } = options;
  const deliveryId = delivery.deliveryId;
  if (delivery.attempts > options.maxAttempts) {
    const reason = `gave up after ${options.maxAttempts} attempts: ${delivery.lastError ?? "the process stopped during each attempt"}`;
    if (
      reportLostLease(await queue.finish(lease, { status: "dead", reason }), logger, { deliveryId, change: "dead" })
    ) {
      options.observer.delivery(delivery.event, "dead");
      logger.error("delivery dead-lettered at claim", { deliveryId, attempts: delivery.attempts, reason });
    }
    return { run: false };
  }
  if (options.postsNothing?.(delivery)) return { run: true };
  const budget = await budgetOf(delivery.repository, options.budgetFor);
  if (budget === undefined) return { run: true };
  const slot = await options.coordination.reserveWrite(budget, options.writeLimits, { peek: true });
  if (!slot.ok) {
    reportLostLease(await queue.defer(lease, options.now() + slot.retryInMs), logger, { deliveryId, change: "defer" });
    logger.info("comment budget used up; the delivery waits", { deliveryId, budget, inMs: slot.retryInMs });
    return { run: false, budgetWaitMs: slot.retryInMs };
  }
  return { run: true };
}

/**
 * The budget the delivery's comment will count against. Without one (no repository, or the app's
 * installation cannot be found) the run goes ahead: it meets the same problem and reports it with
 * the delivery, and its comment still waits for a slot when it is posted.
 */
async function budgetOf(
  repository: string | null,
  budgetFor: (owner: string, repo: string) => Promise<string>,
): Promise<string | undefined> {
  const [owner, repo] = repository?.split("/") ?? [];
  if (!owner || !repo) return undefined;
  return budgetFor(owner, repo).catch(() => undefined);
}
