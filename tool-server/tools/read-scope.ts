import { toHttpError } from "../../github/github-error.ts";
import { HttpError } from "../../lib/http-error.ts";
import type { CallContext, ToolDependencies } from "../tool-definition.ts";
import { assertRepoAllowed, isRunTarget } from "./access.ts";

/**
 * Where a read may go: a relay run stays in its own repository (so untrusted text cannot pull
 * another repository's content into a public comment), everyone stays in the allowed repositories.
 */
export function assertReadable(call: CallContext, deps: ToolDependencies, owner: string, repo: string): void {
  const { run } = call;
  if (run && !isRunTarget(run, owner, repo)) {
    throw new HttpError(
      403,
      `This automated run is limited to ${run.owner}/${run.repo}; reading ${owner}/${repo} is not allowed here. Use owner "${run.owner}" and repo "${run.repo}".`,
    );
  }
  assertRepoAllowed(deps, owner, repo);
}

/** Runs one GitHub call; its failure becomes an answer the model can act on. `what` names the object. */
export async function fromGitHub<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toHttpError(error, what);
  }
}

/** Whether GitHub's Link header offers a next page. */
export function hasNextPage(headers: { link?: string }): boolean {
  return /rel="next"/.test(headers.link ?? "");
}
