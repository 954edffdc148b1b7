import type { Octokit } from "@octokit/rest";
import type { CommentTiming } from "../github/post-run-comment.ts";
import { findRunComment, type RunTarget } from "../github/run-comment.ts";
import type { RepoAllowList } from "../github/repo-allow-list.ts";
import type { Logger } from "../lib/logger.ts";
import type { Coordination, WriteLimit } from "../store/coordination.ts";
import type { DeliveryRecord } from "../store/delivery-log.ts";
import type { DeliveryOutcome } from "../store/delivery-queue.ts";
import type { RunStore } from "../store/run-store.ts";
import type { ObservationStore } from "../store/observation-store.ts";
import { recordedComment } from "./rules/observed-outcome.ts";
import type { Rule } from "../config/rules-schema.ts";
import type { DeliveryLog } from "../store/delivery-log.ts";
import { isDeferredMatch } from "./rules/decide-delivery.ts";
import { matchInWorker } from "./rules/match-in-worker.ts";
import { promptsFor } from "./rules/render-rule-prompt.ts";
import { resolveRun, storedEvent } from "./rules/resolve-run.ts";
import { triggerTextReason } from "./rules/trigger-text-reason.ts";
import type { RepoConfigReader } from "./rules/repo-config-reader.ts";
import { isChatEvent } from "./doors/chat-request.ts";
import { answerChatRequest, type ChatSettings } from "./chat/answer-chat-request.ts";
import type { OpenWebUIClient } from "../open-webui/chat-client.ts";
import { postAnswer, readRunOutcome, type OutcomeOptions } from "./read-run-outcome.ts";
import { noObserver, type RelayObserver } from "./relay-metrics.ts";
import { runModel } from "./run-model.ts";
import { runRuleOf } from "./rules/run-rule-of.ts";
import { notifyAfterRun, type NotifyChannel } from "./notify-after-run.ts";
import { claimCommentThread } from "./claim-comment-thread.ts";
import { threadRuleOf } from "../github/comment-thread.ts";
import type { ConnectionKind } from "../open-webui/tool-server-connection.ts";
import { isTick, processTick } from "./schedules/process-tick.ts";

export interface ProcessorOptions {
  runs: RunStore;
  /** Where an observed run's fallback comment is recorded instead of posted (observe mode). */
  observations: ObservationStore;
  /** For the runs a deferred match queues, and rules' cooldowns. */
  deliveries: Pick<DeliveryLog, "add" | "startRuleRun">;
  /** The rules now; a run looks its rule up by name when it starts. */
  rules: () => readonly Rule[];
  /** Repositories' own .github/openwebui-github.yml, which narrow a rule when its run starts. */
  repoConfig?: RepoConfigReader;
  /** Wakes the worker for runs queued by a deferred match. */
  onQueued?: () => void;
  /** For the comment's lock and the comment budget. */
  coordination: Coordination;
  github: Octokit;
  openWebUI: OpenWebUIClient;
  /** AI_MODEL: the model of a rule that names none. */
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
  /** Posts a run's result to a channel: a rule's `notify:` after a run, or a schedule's notify target (relay/schedules/process-tick.ts). */
  notify?: NotifyChannel;
  /** How questions asked in Slack, Discord and Teams are answered; without it they fail, saying so. */
  chat?: ChatSettings;
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
    if (isChatEvent(delivery.event)) return answerChatRequest(options, delivery);
    if (isTick(delivery)) return processTick(delivery, { ...options, observer });
    const event = storedEvent(delivery);
    if ("status" in event) return event;
    const ownLogin = await options.ownLogin();
    if (isDeferredMatch(delivery.key)) return matchInWorker(delivery, event, ownLogin, options);
    const resolved = await resolveRun(delivery, event, ownLogin, { ...options, now: Date.now });
    if ("outcome" in resolved) return resolved.outcome;
    const { rule } = resolved;
    Object.assign(log, { repository: `${event.owner}/${event.repo}`, issue: event.number, rule: rule.name });

    const target: RunTarget = {
      owner: event.owner,
      repo: event.repo,
      issueNumber: event.number,
      deliveryId: delivery.deliveryId,
      ownLogin,
      // Fixed by code from the signed payload: a review comment is answered in its thread, nowhere else.
      reviewCommentId: event.text?.threadId ?? null,
      threadRule: threadRuleOf(rule),
    };
    const superseded = await claimCommentThread(options, target, delivery, log);
    if (superseded) return superseded;
    const earlier = await earlierOutcome({ ...options, observer }, delivery, target, log);
    if (earlier) return earlier;
    const changed = await triggerTextReason(options.github, event);
    if (changed) return { status: "ignored", reason: changed };

    const prompts = promptsFor(rule, event);
    const model = rule.model ?? options.model;
    const run = await runModel(options, {
      delivery,
      target,
      prompts,
      model,
      rule: runRuleOf(rule),
      // The thread's first comment: GitHub takes replies to it, not to a reply.
      reviewCommentId: target.reviewCommentId ?? null,
      title: event.title,
      log,
    });
    const outcome = await readRunOutcome({ ...options, observer }, target, { ...run, deliveryKey: delivery.key }, log);
    return notifyAfterRun(options, { rule, event, delivery, model: run }, outcome);
  };
}

/**
 * What an earlier run of the delivery already did: a comment it recorded (or, after a crash
 * between posting and recording, one GitHub shows), or an answer it kept because the comment
 * budget or a rate limit stopped it, which is posted now without asking the model again.
 */
export async function earlierOutcome(
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
    if (await recordedComment(options.observations, delivery.key)) {
      logger.info("observe mode: an earlier attempt recorded the comment", log);
      return { status: "done", reason: "observe mode: the comment was recorded by an earlier attempt, not posted" };
    }
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
