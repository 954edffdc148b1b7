import type { Octokit } from "@octokit/rest";
import type { Coordination, WriteLimit } from "../store/coordination.ts";
import type { RunStore } from "../store/run-store.ts";
import { waitForCommentTurn, waitForWriteSlot } from "../store/wait-for-write-slot.ts";
import { withLock } from "../store/with-lock.ts";
import { supersedingClaim, threadKey, type Superseded } from "./comment-thread.ts";
import { upsertRunComment, type PostedComment, type RunTarget } from "./run-comment.ts";

/** A run's comment waits for its comment budget rather than being refused; the lock outlives that wait (config/timing-contract.ts). */
export interface CommentTiming {
  budgetWaitMs: number;
  lockMs: number;
  /** The least time between two new comments, across every process on the store. */
  spacingMs: number;
}

/** The run the comment is posted for, and where its comment is recorded. */
export interface CommentRun {
  runs: Pick<RunStore, "setComment" | "commentOf" | "threadOf" | "setThreadComment" | "get" | "setCommentsPosted">;
  chatId: string;
  deliveryKey: string;
  /** This run's comment, when it already posted one. */
  commentId?: number | null;
  /** Comments the run may post (its rule's max_comments; 1 when absent); later calls edit the last. */
  maxComments?: number;
}

/**
 * Posts (or edits) the one comment of a delivery, whoever posts it: the tool
 * server for the model, or the relay's fallback. Two runs of one delivery (a
 * retry while an abandoned run goes on) take turns through a lock in the
 * shared store; the comment is recorded with the delivery inside that lock, so
 * the second finds the first's comment in the store even when GitHub's comment
 * list lags, and by its marker on GitHub otherwise.
 *
 * A `comment: update` rule (target.threadRule) keeps one comment per issue or pull request: every
 * run of the rule there takes the thread's lock instead, edits the thread's comment (recorded on
 * the thread, or found by the rule's marker), and writes nothing once a newer delivery claimed
 * the thread (Superseded): a write racing the newer run's either lands before it or not at all.
 */
export function postRunComment(
  deps: {
    github: Octokit;
    coordination: Coordination;
    commentLimits: readonly WriteLimit[];
    commentTiming: CommentTiming;
    /** The comment budget a comment on this repository counts against (GitHubClients.budgetFor). */
    budgetFor: (owner: string, repo: string) => Promise<string>;
    ownLogin?: () => Promise<string | null>;
  },
  target: RunTarget,
  analysis: string,
  run: CommentRun,
): Promise<PostedComment | Superseded> {
  const thread = threadKey(target);
  return withLock(
    deps.coordination,
    thread ? `comment-thread:${thread}` : `comment:${target.deliveryId}`,
    async () => {
      const newer = await supersedingClaim(run.runs, target, run.deliveryKey);
      if (newer) return { supersededBy: newer };
      // Counted under the lock: two calls at once cannot both take the run's last new comment.
      const written = (await run.runs.get(run.chatId))?.commentsPosted ?? 0;
      // A `comment: update` rule keeps one comment per thread: every call edits it.
      const part = thread ? 1 : Math.max(1, Math.min(written + 1, run.maxComments ?? 1));
      // The first is the delivery's comment, which a retry's run edits; later ones are found by their marker.
      const known =
        part > 1
          ? undefined
          : (run.commentId ??
            (thread ? (await run.runs.threadOf(thread))?.comment?.id : undefined) ??
            (await run.runs.commentOf(run.deliveryKey))?.id);
      const posted = await upsertRunComment(
        deps.github,
        { ...target, part, ownLogin: target.ownLogin ?? (await deps.ownLogin?.()) ?? null },
        analysis,
        known,
        async () => {
          const budget = await deps.budgetFor(target.owner, target.repo);
          await waitForWriteSlot(deps.coordination, budget, deps.commentLimits, deps.commentTiming.budgetWaitMs);
          await waitForCommentTurn(deps.coordination, budget, deps.commentTiming.spacingMs);
        },
      );
      if (part === 1) await run.runs.setComment(run.chatId, { id: posted.id, url: posted.html_url });
      if (thread) await run.runs.setThreadComment(thread, { id: posted.id, url: posted.html_url });
      if (part > written) await run.runs.setCommentsPosted(run.chatId, part);
      return posted;
    },
    { ttlMs: deps.commentTiming.lockMs, waitMs: deps.commentTiming.lockMs },
  );
}
