import { HttpError } from "../../lib/http-error.ts";
import type { RunRecord } from "../../store/run-store.ts";
import type { ToolDependencies } from "../tool-definition.ts";

export function assertRepoAllowed(deps: ToolDependencies, owner: string, repo: string) {
  if (!deps.allowList.allows(owner, repo)) {
    throw new HttpError(
      403,
      `Repository ${owner}/${repo} is not one this tool server may use. Allowed: ${deps.allowList.entries.join(", ") || "none"}. Do not retry with this repository; tell the user an administrator must add it to GITHUB_REPOS.`,
    );
  }
}

export function runIssue(run: RunRecord): string {
  return `${run.owner}/${run.repo}#${run.issueNumber}`;
}

export function isRunTarget(run: RunRecord, owner: string, repo: string, issueNumber?: number): boolean {
  const sameRepo = run.owner.toLowerCase() === owner.toLowerCase() && run.repo.toLowerCase() === repo.toLowerCase();
  return sameRepo && (issueNumber === undefined || run.issueNumber === issueNumber);
}
