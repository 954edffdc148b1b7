import type { Octokit } from "@octokit/rest";
import type { CommentTiming } from "../github/post-run-comment.ts";
import { findRunComment, type RunTarget } from "../github/run-comment.ts";
import type { RepoAllowList } from "../github/repo-allow-list.ts";
import type { Logger } from "../lib/logger.ts";
import type { Coordination, WriteLimit } from "../store/coordination.ts";
import type { DeliveryRecord } from "../store/delivery-log.ts";
import type { DeliveryOutcome } from "../store/delivery-queue.ts";
import type { RunStore } from "../store/run-store.ts";
import { issueFromPayload } from "./build-prompt.ts";
import { issuesOpenedFacts, loopReason } from "./classify-delivery.ts";
import { isChatEvent, waitingForChatPlatforms } from "./doors/chat-request.ts";
import type { OpenWebUIClient } from "../open-webui/chat-client.ts";
import { postAnswer, readRunOutcome, type OutcomeOptions } from "./read-run-outcome.ts";
import { noObserver, type RelayObserver } from "./relay-metrics.ts";
import { runModel } from "./run-model.ts";
import type { ConnectionKind } from "../open-webui/tool-server-connection.ts";

export interface ProcessorOptions {
  runs: RunStore;
  /** For the comment's lock and the comment budget. */
  coordination: Coordination;
  github: Octokit;
  openWebUI: OpenWebUIClient;
  model: string;
  toolServerId: string;
  /** The connection kind Open WebUI has our tools under; "openapi" when absent. */
  toolConnection?: ConnectionKind;
  commentFallback: boolean;
  /** Resolves the relay's own login (null when it cannot be known). */
  ownLogin: () => Promise<string | null>;
  commentLimits: readonly WriteLimit[];
  commentTiming: CommentTiming;
  /** The comment budget of a repository (GitHubClients.budgetFor). */
  budgetFor: (owner: string, repo: string) => Promise<string>;
  allowList: RepoAllowList;
  /** Never posted: removed from the answer if the model wrote one. */
  secrets: readonly string[];
  logger: Logger;
  observer?: RelayObserver;
}

/**
 * One run for one stored delivery: a chat in Open WebUI, the model with our
 * tools, and the outcome. The model posts through the tool server; if it does
 * not, the relay posts the model's answer itself.
 */
export function createDeliveryProcessor(options: ProcessorOptions) {
  const observer = options.observer ?? noObserver;

  return async function processDelivery(delivery: DeliveryRecord): Promise<DeliveryOutcome> {
    const log: Record<string, unknown> = { deliveryId: delivery.deliveryId, attempt: delivery.attempts };
    if (isChatEvent(delivery.event)) return { status: "ignored", reason: waitingForChatPlatforms };
    const payload = JSON.parse(delivery.payload ?? "null") as Record<string, unknown>;
    const facts = issuesOpenedFacts(payload);
    if (typeof facts === "string") return { status: "failed", reason: `stored payload is unusable: ${facts}` };
    const ownLogin = await options.ownLogin();
    const loop = loopReason(facts, ownLogin);
    if (loop) return { status: "ignored", reason: loop };
    // GITHUB_REPOS may have narrowed since the delivery was stored (a replay, a long queue).
    if (!options.allowList.allows(facts.owner, facts.repo))
      return { status: "ignored", reason: `${facts.owner}/${facts.repo} is not in GITHUB_REPOS` };
    Object.assign(log, { repository: `${facts.owner}/${facts.repo}`, issue: facts.issueNumber });

    const target: RunTarget = {
      owner: facts.owner,
      repo: facts.repo,
      issueNumber: facts.issueNumber,
      deliveryId: delivery.deliveryId,
      ownLogin,
    };
    const earlier = await earlierOutcome({ ...options, observer }, delivery, target, log);
    if (earlier) return earlier;

    const run = await runModel(options, { delivery, target, issue: issueFromPayload(payload), log });
    return readRunOutcome({ ...options, observer }, target, { ...run, deliveryKey: delivery.key }, log);
  };
}

/**
 * What an earlier run of the delivery already did: a comment it recorded (or, after a crash
 * between posting and recording, one GitHub shows), or an answer it kept because the comment
 * budget or a rate limit stopped it, which is posted now without asking the model again.
 */
async function earlierOutcome(
  options: OutcomeOptions,
  delivery: DeliveryRecord,
  target: RunTarget,
  log: Record<string, unknown>,
): Promise<DeliveryOutcome | undefined> {
  const { runs, logger } = options;
  // Only a delivery some run started has anything to find (a deferred one keeps its attempt count).
  if (delivery.chatId) {
    const recorded = await runs.commentOf(delivery.key);
    if (recorded) return byEarlierAttempt(logger, log, recorded.url);
    const kept = await runs.keptAnswerOf(delivery.key);
    if (kept) {
      logger.info("posting the answer an earlier run kept", { ...log, chatId: kept.chatId });
      return postAnswer(options, target, { ...kept, deliveryKey: delivery.key }, log);
    }
  }
  if (delivery.attempts > 1) {
    const found = await findRunComment(options.github, target);
    if (found) return byEarlierAttempt(logger, log, found.html_url);
  }
  return undefined;
}

function byEarlierAttempt(logger: Logger, log: Record<string, unknown>, commentUrl: string): DeliveryOutcome {
  logger.info("comment from an earlier attempt found", { ...log, commentUrl });
  return { status: "done", reason: "commented by an earlier attempt", commentUrl };
}
