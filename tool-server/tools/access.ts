import { HttpError } from "../../lib/http-error.ts";
import type { RunRecord } from "../../store/store.ts";
import type { CallContext, ToolDependencies } from "../tool-definition.ts";

export function assertRepoAllowed(deps: ToolDependencies, owner: string, repo: string) {
  if (!deps.allowList.allows(owner, repo)) {
    throw new HttpError(
      403,
      `Repository ${owner}/${repo} is not one this tool server may use. Allowed: ${deps.allowList.entries.join(", ") || "none"}. Do not retry with this repository; tell the user an administrator must add it to GITHUB_REPOS.`,
    );
  }
}

/**
 * The relay run this call belongs to, if any. Open WebUI sends the chat id
 * through the connection's header template; the relay recorded which issue
 * that chat's run was started for. Scope is enforced here, not in the prompt.
 */
export async function findRun(call: CallContext, deps: ToolDependencies): Promise<RunRecord | undefined> {
  if (!call.chatId) return undefined;
  // One store read per call: the server looks the run up for its log line already.
  if ("run" in call) return call.run;
  return deps.store.getRun(call.chatId);
}

export function runIssue(run: RunRecord): string {
  return `${run.owner}/${run.repo}#${run.issueNumber}`;
}

export function isRunTarget(run: RunRecord, owner: string, repo: string, issueNumber?: number): boolean {
  const sameRepo = run.owner.toLowerCase() === owner.toLowerCase() && run.repo.toLowerCase() === repo.toLowerCase();
  return sameRepo && (issueNumber === undefined || run.issueNumber === issueNumber);
}
