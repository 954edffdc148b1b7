import type { Octokit } from "@octokit/rest";
import type { Coordination, WriteLimit } from "../store/coordination.ts";
import { waitForWriteSlot } from "../store/wait-for-write-slot.ts";
import { withLock } from "../store/with-lock.ts";
import { upsertRunComment, type PostedComment, type RunTarget } from "./run-comment.ts";

/** A run's comment waits for the token's comment budget rather than being refused; the lock outlives that wait (config/timing-contract.ts). */
export interface CommentTiming {
  budgetWaitMs: number;
  lockMs: number;
}

/**
 * Posts (or edits) the one comment of a delivery, whoever posts it: the tool
 * server for the model, or the relay's fallback. Two runs of one delivery (a
 * retry while an abandoned run goes on) take turns through a lock in the
 * shared store, so the second finds the first's comment by its marker.
 */
export function postRunComment(
  deps: {
    github: Octokit;
    coordination: Coordination;
    commentLimits: readonly WriteLimit[];
    commentTiming: CommentTiming;
    ownLogin?: () => Promise<string | null>;
  },
  target: RunTarget,
  analysis: string,
  knownCommentId?: number,
): Promise<PostedComment> {
  return withLock(
    deps.coordination,
    `comment:${target.deliveryId}`,
    async () =>
      upsertRunComment(
        deps.github,
        { ...target, ownLogin: target.ownLogin ?? (await deps.ownLogin?.()) ?? null },
        analysis,
        knownCommentId,
        () => waitForWriteSlot(deps.coordination, deps.commentLimits, deps.commentTiming.budgetWaitMs),
      ),
    { ttlMs: deps.commentTiming.lockMs, waitMs: deps.commentTiming.lockMs },
  );
}
