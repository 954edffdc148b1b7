import { randomUUID } from "node:crypto";
import type { Octokit } from "@octokit/rest";
import { postRunComment, type CommentTiming } from "../github/post-run-comment.ts";
import { findRunComment, type RunTarget } from "../github/run-comment.ts";
import { redactCredentials } from "../github/safe-comment.ts";
import type { RepoAllowList } from "../github/repo-allow-list.ts";
import { TransientError } from "../lib/transient-error.ts";
import type { Logger } from "../lib/logger.ts";
import type { Coordination, WriteLimit } from "../store/coordination.ts";
import type { DeliveryRecord } from "../store/delivery-log.ts";
import type { DeliveryOutcome } from "../store/delivery-queue.ts";
import type { RunStore } from "../store/run-store.ts";
import { buildIssueMessage, issueFromPayload, systemPrompt } from "./build-prompt.ts";
import { issuesOpenedFacts, loopReason } from "./classify-delivery.ts";
import type { OpenWebUIClient } from "../open-webui/chat-client.ts";
import { failedToolCalls, finalAnswer, messageError } from "../open-webui/read-chat.ts";
import { noObserver, type RelayObserver } from "./relay-metrics.ts";

export interface ProcessorOptions {
  runs: RunStore;
  /** For the comment's lock and the comment budget. */
  coordination: Coordination;
  github: Octokit;
  openWebUI: OpenWebUIClient;
  model: string;
  toolServerId: string;
  commentFallback: boolean;
  /** Resolves the relay's own login (null when it cannot be known). */
  ownLogin: () => Promise<string | null>;
  commentLimits: readonly WriteLimit[];
  commentTiming: CommentTiming;
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
  const { runs, coordination, github, openWebUI, logger } = options;
  const observer = options.observer ?? noObserver;

  return async function processDelivery(delivery: DeliveryRecord): Promise<DeliveryOutcome> {
    const log: Record<string, unknown> = { deliveryId: delivery.deliveryId, attempt: delivery.attempts };
    const payload = JSON.parse(delivery.payload ?? "null") as Record<string, unknown>;
    const facts = issuesOpenedFacts(payload);
    if (typeof facts === "string") return { status: "failed", reason: `stored payload is unusable: ${facts}` };
    const ownLogin = await options.ownLogin();
    const loop = loopReason(facts, ownLogin);
    if (loop) return { status: "ignored", reason: loop };
    // GITHUB_REPOS may have narrowed since the delivery was stored (a replay, a long queue).
    if (!options.allowList.allows(facts.owner, facts.repo)) return { status: "ignored", reason: `${facts.owner}/${facts.repo} is not in GITHUB_REPOS` };
    Object.assign(log, { repository: `${facts.owner}/${facts.repo}`, issue: facts.issueNumber });

    const target: RunTarget = { owner: facts.owner, repo: facts.repo, issueNumber: facts.issueNumber, deliveryId: delivery.deliveryId, ownLogin };
    if (delivery.attempts > 1) {
      // An earlier attempt may have posted and then died before recording it.
      const earlier = await findRunComment(github, target);
      if (earlier) {
        logger.info("comment from an earlier attempt found", { ...log, commentUrl: earlier.html_url });
        return { status: "done", reason: "commented by an earlier attempt", commentUrl: earlier.html_url };
      }
    }

    const issue = issueFromPayload(payload);
    const userMessage = buildIssueMessage(issue);
    const userMessageId = randomUUID();
    const assistantMessageId = randomUUID();
    const chat = await openWebUI.createChat({
      title: `${facts.owner}/${facts.repo}#${facts.issueNumber}: ${issue.title}`.slice(0, 200),
      model: options.model,
      userMessageId,
      assistantMessageId,
      userMessage,
    });
    // Recorded before the model runs: the tool server scopes the run's tool calls by this chat id.
    await runs.add({
      chatId: chat.id,
      deliveryKey: delivery.key,
      deliveryId: delivery.deliveryId,
      owner: facts.owner,
      repo: facts.repo,
      issueNumber: facts.issueNumber,
      messageId: assistantMessageId,
    });
    logger.info("chat created", { ...log, chatId: chat.id, model: options.model });

    const completionStarted = Date.now();
    logger.info("completion started", { ...log, chatId: chat.id, toolServer: `server:${options.toolServerId}` });
    await openWebUI.complete({
      model: options.model,
      system: systemPrompt,
      userMessage,
      chatId: chat.id,
      userMessageId,
      assistantMessageId,
      toolIds: [`server:${options.toolServerId}`],
    });

    logger.info("completion finished", { ...log, chatId: chat.id, ms: Date.now() - completionStarted });

    // Read back once: the tool calls that failed are counted, and the answer is there for the fallback.
    // The run's record (did the model comment?) is read meanwhile: two round trips at once, not one after the other.
    const [record, run] = await Promise.all([openWebUI.getChat(chat.id), runs.get(chat.id)]);
    for (const tool of failedToolCalls(record, assistantMessageId)) {
      observer.toolError(tool);
      logger.warn("a tool call failed in the run", { ...log, chatId: chat.id, tool });
    }
    if (run?.commentUrl) {
      logger.info("comment posted by the model", { ...log, chatId: chat.id, commentUrl: run.commentUrl });
      return { status: "done", reason: "commented by the model", commentUrl: run.commentUrl };
    }

    const answer = finalAnswer(record, assistantMessageId);
    if (!answer) {
      const error = messageError(record, assistantMessageId);
      observer.modelError(error ? "message_error" : "no_answer");
      logger.warn("run finished without a comment or an answer", { ...log, chatId: chat.id, error });
      // Open WebUI answers 200 and writes the model provider's failure on the message: an outage, worth retrying.
      if (error) throw new TransientError(`Open WebUI reported: ${error}`);
      return { status: "failed", reason: "the model neither called post_issue_comment nor gave an answer" };
    }
    if (!options.commentFallback) {
      logger.warn("the model answered without commenting, and COMMENT_FALLBACK is off", { ...log, chatId: chat.id });
      return { status: "failed", reason: "the model did not call post_issue_comment, and COMMENT_FALLBACK is off" };
    }
    const safe = redactCredentials(answer, options.secrets);
    if (safe !== answer) logger.warn("credentials removed from the model's answer before posting", { ...log, chatId: chat.id });
    const posted = await postRunComment({ github, coordination, commentLimits: options.commentLimits, commentTiming: options.commentTiming }, target, safe);
    await runs.setComment(chat.id, { id: posted.id, url: posted.html_url });
    logger.info("fallback: the relay posted the model's answer", { ...log, chatId: chat.id, commentUrl: posted.html_url });
    return { status: "done", reason: "answer posted by the relay (fallback)", commentUrl: posted.html_url };
  };
}
