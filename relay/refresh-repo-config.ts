import { repoConfigPath } from "../config/repo-config-schema.ts";
import type { RepoAllowList } from "../github/repo-allow-list.ts";
import type { Coordination } from "../store/coordination.ts";
import type { DoorDecision } from "./rules/decide-delivery.ts";
import { repoConfigEpoch } from "./rules/repo-config-reader.ts";

export interface PushOptions {
  allowList: RepoAllowList;
  /** Where the repositories' refresh epochs are: every replica's worker reads them. */
  coordination: Pick<Coordination, "advanceEpoch">;
}

/**
 * A `push` starts no run. To the default branch, it tells every worker to read the repository's
 * .github/openwebui-github.yml again before its next run there, by advancing the repository's
 * epoch in the shared store: one local write, so the door never waits on GitHub. The delivery is
 * recorded as ignored, with what it did as the reason, like any other event no rule runs on.
 */
export async function pushDecision(payload: Record<string, unknown>, options: PushOptions): Promise<DoorDecision> {
  const push = pushFacts(payload);
  if (typeof push === "string") return { kind: "invalid", reason: push };
  const { owner, repo, ref, defaultBranch } = push;
  const repository = `${owner}/${repo}`;
  if (!options.allowList.allows(owner, repo))
    return { kind: "ignore", reason: `${repository} is not in GITHUB_REPOS`, repository };
  if (ref !== `refs/heads/${defaultBranch}`)
    return {
      kind: "ignore",
      reason: `push to ${ref}: only a push to the default branch (${defaultBranch}) refreshes ${repoConfigPath}`,
      repository,
    };
  await options.coordination.advanceEpoch(repoConfigEpoch(owner, repo));
  return {
    kind: "ignore",
    reason: `push to ${defaultBranch}: ${repository}'s ${repoConfigPath} is read again before its next run`,
    repository,
  };
}

function pushFacts(payload: Record<string, unknown>) {
  const repository = payload.repository as
    { name?: unknown; default_branch?: unknown; owner?: { login?: unknown; name?: unknown } | null } | null | undefined;
  const owner = repository?.owner?.login ?? repository?.owner?.name;
  if (typeof payload.ref !== "string") return "it has no ref";
  if (typeof repository?.name !== "string" || typeof owner !== "string") return "it names no repository";
  if (typeof repository.default_branch !== "string") return "its repository has no default_branch";
  return { owner, repo: repository.name, ref: payload.ref, defaultBranch: repository.default_branch };
}
