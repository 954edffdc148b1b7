import type { RunRecord } from "../../store/run-store.ts";
import { outsideAllowList } from "../policy/refusals.ts";
import type { ToolDependencies } from "../tool-definition.ts";
import { HttpError } from "../../lib/http-error.ts";

export function assertRepoAllowed(deps: ToolDependencies, owner: string, repo: string) {
  if (!deps.allowList.allows(owner, repo)) throw outsideAllowList(owner, repo);
}

export function runIssue(run: RunRecord): string {
  return `${run.owner}/${run.repo}#${run.issueNumber}`;
}

export function isRunTarget(run: RunRecord, owner: string, repo: string, issueNumber?: number): boolean {
  const sameRepo = run.owner.toLowerCase() === owner.toLowerCase() && run.repo.toLowerCase() === repo.toLowerCase();
  return sameRepo && (issueNumber === undefined || run.issueNumber === issueNumber);
}

/**
 * A run recorded with no issue (issue 0: a schedule whose target is a channel or a new issue) may
 * write nothing on GitHub: the relay delivers its answer itself.
 */
export function assertRunHasIssue(run: RunRecord, tool: string): void {
  if (run.issueNumber === 0)
    throw new HttpError(
      403,
      `This scheduled run writes nothing on GitHub: do not call ${tool}. Reply with your result instead; the relay delivers your reply.`,
    );
}

/** A run comments only where it has an issue and only when its rule allows comments (max_comments above 0). */
export function assertRunMayComment(run: RunRecord): void {
  assertRunHasIssue(run, "post_issue_comment");
  if ((run.rule?.maxComments ?? 1) === 0)
    throw new HttpError(
      403,
      "This automated run may not comment: its rule allows no comments (max_comments: 0). Do not retry; give your answer in your final message instead.",
    );
}
