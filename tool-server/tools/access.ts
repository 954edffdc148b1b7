import type { RunRecord } from "../../store/run-store.ts";
import { outsideAllowList } from "../policy/refusals.ts";
import type { ToolDependencies } from "../tool-definition.ts";

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
