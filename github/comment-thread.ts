import type { RunRule, RunStore, ThreadClaim } from "../store/run-store.ts";
import type { RunTarget } from "./run-comment.ts";

/** A comment the run did not write: a newer delivery on the same thread took it over. */
export interface Superseded {
  supersededBy: ThreadClaim;
}

/** The rule whose one comment a run edits (RunTarget.threadRule): only `comment: update` rules have one. */
export function threadRuleOf(rule: Pick<RunRule, "name" | "comment"> | null | undefined): string | null {
  return rule?.comment === "update" ? rule.name : null;
}

/** The thread a `comment: update` rule keeps one comment on (RunStore.threadOf), or null for the delivery's own comment. */
export function threadKey(
  target: Pick<RunTarget, "owner" | "repo" | "issueNumber" | "threadRule" | "reviewCommentId">,
): string | null {
  if (!target.threadRule) return null;
  // GitHub's names are case-insensitive; rule names hold no ':' or '#'.
  const key = `${target.threadRule}:${target.owner}/${target.repo}`.toLowerCase() + `#${target.issueNumber}`;
  // Each review thread keeps its own one reply: a question in one thread never edits, or supersedes, another's.
  return target.reviewCommentId ? `${key}/review-thread:${target.reviewCommentId}` : key;
}

/** The newer delivery that superseded this one on its thread, if any. */
export async function supersedingClaim(
  runs: Pick<RunStore, "threadOf">,
  target: RunTarget,
  deliveryKey: string,
): Promise<ThreadClaim | undefined> {
  const thread = threadKey(target);
  const newest = thread ? (await runs.threadOf(thread))?.newest : undefined;
  return newest && newest.deliveryKey !== deliveryKey ? newest : undefined;
}

/** The outcome's reason for a superseded delivery. */
export function supersededReason(newer: ThreadClaim): string {
  return `superseded by ${newer.deliveryId}`;
}
