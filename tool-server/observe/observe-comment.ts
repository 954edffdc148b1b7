import { findCredentials } from "../../github/safe-comment.ts";
import { HttpError } from "../../lib/http-error.ts";
import type { RunRecord } from "../../store/run-store.ts";
import type { ToolDependencies } from "../tool-definition.ts";
import { assertRunMayComment, isRunTarget, runIssue } from "../tools/access.ts";
import { issueUrl, observedNote, recordObservedWrite } from "./record-observed-write.ts";

interface CommentInput {
  owner: string;
  repo: string;
  issue_number: number;
  body: string;
}

/**
 * post_issue_comment in an observed run: refused where the act mode refuses (another issue, a
 * credential), otherwise recorded with its text instead of posted, and no comment budget spent.
 */
export async function observeComment(input: CommentInput, run: RunRecord, deps: ToolDependencies) {
  // What act mode refuses is refused here too, so the recordings show only what would have been sent.
  assertRunMayComment(run);
  if (!isRunTarget(run, input.owner, input.repo, input.issue_number)) {
    throw new HttpError(
      403,
      `This automated run may only comment on ${runIssue(run)}, the issue it was started for. Call post_issue_comment again with owner "${run.owner}", repo "${run.repo}" and issue_number ${run.issueNumber}.`,
    );
  }
  if (findCredentials(input.body, deps.secrets).length > 0) {
    throw new HttpError(
      422,
      "The comment contains what looks like a key, token or password. Never post credentials: remove it and call post_issue_comment again.",
    );
  }
  const target = runIssue(run);
  await recordObservedWrite(deps, run, { tool: "post_issue_comment", target, text: input.body, labels: [] });
  return { id: 0, html_url: issueUrl(run), updated: false, observed: observedNote };
}
