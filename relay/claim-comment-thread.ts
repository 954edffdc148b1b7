import { supersededReason, threadKey } from "../github/comment-thread.ts";
import type { RunTarget } from "../github/run-comment.ts";
import type { Logger } from "../lib/logger.ts";
import type { DeliveryRecord } from "../store/delivery-log.ts";
import type { DeliveryOutcome } from "../store/delivery-queue.ts";
import type { RunStore } from "../store/run-store.ts";

/**
 * Before a `comment: update` rule's run starts: makes the delivery its thread's newest, which
 * supersedes the runs of older deliveries still going, or finds that a delivery received later
 * already did (a retry or replay of an older push), and then ends it without asking the model.
 */
export async function claimCommentThread(
  options: { runs: Pick<RunStore, "claimThread">; logger: Logger },
  target: RunTarget,
  delivery: DeliveryRecord,
  log: Record<string, unknown>,
): Promise<DeliveryOutcome | undefined> {
  const thread = threadKey(target);
  if (!thread) return undefined;
  const newest = await options.runs.claimThread(thread, {
    deliveryKey: delivery.key,
    deliveryId: delivery.deliveryId,
    receivedAt: delivery.receivedAt,
  });
  if (newest.deliveryKey === delivery.key) return undefined;
  options.logger.info("a newer delivery on the thread supersedes this one", { ...log, newer: newest.deliveryId });
  return { status: "ignored", reason: supersededReason(newest) };
}
