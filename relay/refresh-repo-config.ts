import type { ServerResponse } from "node:http";
import { repoConfigPath } from "../config/repo-config-schema.ts";
import type { RepoAllowList } from "../github/repo-allow-list.ts";
import { HttpError } from "../lib/http-error.ts";
import type { Logger } from "../lib/logger.ts";
import type { Coordination } from "../store/coordination.ts";
import { send } from "./answer-delivery.ts";
import type { RelayObserver } from "./relay-metrics.ts";
import { repoConfigEpoch } from "./rules/repo-config-reader.ts";

export interface PushOptions {
  allowList: RepoAllowList;
  /** Where the repositories' refresh epochs are: every replica's worker reads them. */
  coordination: Pick<Coordination, "advanceEpoch">;
  logger: Logger;
  observer: RelayObserver;
}

/**
 * A `push` starts no run: to the default branch, it tells every worker to read the repository's
 * .github/openwebui-github.yml again before its next run there, by advancing the repository's
 * epoch in the shared store (one local write; the door never waits on GitHub). Nothing is stored
 * in the delivery log. A push to another branch changes nothing the relay reads.
 */
export async function answerPush(
  res: ServerResponse,
  deliveryId: string,
  payload: Record<string, unknown>,
  options: PushOptions,
) {
  const push = pushFacts(payload);
  if (typeof push === "string") throw new HttpError(400, `Unusable push payload: ${push}.`);
  const { owner, repo, ref, defaultBranch } = push;
  const ignore = (reason: string) => {
    options.observer.delivery("push", "ignored");
    options.logger.info("delivery ignored", { deliveryId, event: "push", reason });
    send(res, 202, { status: "ignored", delivery: deliveryId, reason });
  };
  if (!options.allowList.allows(owner, repo)) return ignore(`${owner}/${repo} is not in GITHUB_REPOS`);
  if (ref !== `refs/heads/${defaultBranch}`)
    return ignore(`push to ${ref}: only a push to the default branch (${defaultBranch}) refreshes ${repoConfigPath}`);
  await options.coordination.advanceEpoch(repoConfigEpoch(owner, repo));
  const reason = `${owner}/${repo}'s ${repoConfigPath} is read again before its next run`;
  options.observer.delivery("push", "done");
  options.logger.info("repository config refresh", { deliveryId, repository: `${owner}/${repo}`, ref });
  send(res, 202, { status: "refreshed", delivery: deliveryId, reason });
}

function pushFacts(payload: Record<string, unknown>) {
  const repository = payload.repository as
    { name?: unknown; default_branch?: unknown; owner?: { login?: unknown; name?: unknown } } | undefined;
  const owner = repository?.owner?.login ?? repository?.owner?.name;
  const { ref } = payload;
  if (typeof ref !== "string") return "it has no ref";
  if (typeof repository?.name !== "string" || typeof owner !== "string") return "it names no repository";
  if (typeof repository.default_branch !== "string") return "its repository has no default_branch";
  return { owner, repo: repository.name, ref, defaultBranch: repository.default_branch };
}
