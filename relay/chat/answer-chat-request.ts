import type { RunRule } from "../../store/run-store.ts";
import { redactCredentials } from "../../github/safe-comment.ts";
import type { Logger } from "../../lib/logger.ts";
import { TransientError } from "../../lib/transient-error.ts";
import type { NotifyTimeouts } from "../../notify/notify-types.ts";
import { sendWithRetries } from "../../notify/send-with-retries.ts";
import { finalAnswer, messageError } from "../../open-webui/read-chat.ts";
import type { DeliveryRecord } from "../../store/delivery-log.ts";
import type { DeliveryOutcome } from "../../store/delivery-queue.ts";
import type { ChatRequest } from "../doors/chat-request.ts";
import type { ProcessorOptions } from "../process-delivery.ts";
import { runModel } from "../run-model.ts";
import { answerPost, type ChatPlatforms } from "./answer-request.ts";
import { chatPrompts, chatTitle, questionText } from "./chat-prompts.ts";
import { expiredReason, readChatRequest } from "./read-chat-request.ts";

/** What the worker needs to answer where a question was asked. */
export interface ChatSettings {
  platforms: ChatPlatforms;
  /** For each post; the answer is posted with retries inside these waits. */
  timeouts: NotifyTimeouts;
  fetch?: typeof fetch;
  now?: () => number;
}

export type ChatRunOptions = Pick<
  ProcessorOptions,
  "runs" | "openWebUI" | "toolServerId" | "toolConnection" | "logger" | "model" | "secrets"
> & { chat?: ChatSettings | undefined };

/**
 * A question asked in Slack, Discord or Teams: an Open WebUI chat run whose tool calls act for the
 * person who asked (RunRecord.askedBy; the tool server reads only, by their policy), then its answer,
 * credentials removed, posted where it was asked. The answer is kept on the run: when its post fails, a
 * replay of the delivery posts it without asking the model again.
 */
export async function answerChatRequest(options: ChatRunOptions, delivery: DeliveryRecord): Promise<DeliveryOutcome> {
  const log: Record<string, unknown> = {
    deliveryId: delivery.deliveryId,
    attempt: delivery.attempts,
    event: delivery.event,
  };
  const request = readChatRequest(delivery.payload);
  if (!request) return { status: "failed", reason: "the stored chat request is not readable" };
  const { chat } = options;
  if (!chat) return { status: "failed", reason: "this relay has no chat platform settings" };
  const now = chat.now ?? Date.now;
  const expired = expiredReason(request, now(), "before the run started");
  if (expired) return { status: "failed", reason: expired };
  const question = redactCredentials(questionText(request), options.secrets);
  const kept = delivery.chatId ? await options.runs.keptAnswerOf(delivery.key) : undefined;
  const answer = kept ?? (await askModel(options, delivery, request, question, log));
  if ("outcome" in answer) return answer.outcome;
  const late = expiredReason(request, now(), "before the answer was ready");
  if (late) return { status: "failed", reason: late };
  return postAnswer(options.logger, chat, { request, question, answer: answer.answer, secrets: options.secrets }, log);
}

/** A chat run only reads: it is offered the read tools, and the tool server refuses its writes whatever this says. */
const chatRunRule: RunRule = {
  name: "chat",
  mode: "act",
  tools: [
    "get_issue",
    "list_issue_comments",
    "search_issues",
    "get_pull_request",
    "get_pull_request_files",
    "list_review_comments",
    "get_file_contents",
  ],
  labels: [],
  workflows: [],
  maxComments: 0,
  maxLabels: 0,
  comment: "new",
};

async function askModel(
  options: ChatRunOptions,
  delivery: DeliveryRecord,
  request: ChatRequest,
  question: string,
  log: Record<string, unknown>,
): Promise<{ chatId: string; answer: string } | { outcome: DeliveryOutcome }> {
  const { openWebUI, runs, logger } = options;
  const askedBy = `${request.platform}:${request.userId}`;
  const run = await runModel(options, {
    delivery,
    // A chat run has no issue: the tool server scopes it by who asked, not by a target.
    target: { owner: "", repo: "", issueNumber: 0, deliveryId: delivery.deliveryId },
    prompts: chatPrompts(request, question),
    model: options.model,
    rule: chatRunRule,
    reviewCommentId: null,
    title: question,
    log,
    chat: { askedBy, title: chatTitle(request, question) },
  });
  const record = await openWebUI.getChat(run.chatId);
  const text = finalAnswer(record, run.assistantMessageId);
  if (!text) {
    const error = messageError(record, run.assistantMessageId);
    logger.warn("chat run finished without an answer", { ...log, chatId: run.chatId, error });
    if (error) throw new TransientError(`Open WebUI reported: ${error}`);
    return { outcome: { status: "failed", reason: "the model gave no answer" } };
  }
  const answer = redactCredentials(text, options.secrets);
  if (answer !== text)
    logger.warn("credentials removed from the model's answer before posting", { ...log, chatId: run.chatId });
  await runs.keepAnswer(run.chatId, answer);
  return { chatId: run.chatId, answer };
}

async function postAnswer(
  logger: Logger,
  chat: ChatSettings,
  what: { request: ChatRequest; question: string; answer: string; secrets: readonly string[] },
  log: Record<string, unknown>,
): Promise<DeliveryOutcome> {
  const post = answerPost(chat.platforms, what.request, what.answer, what.question);
  if ("problem" in post) return { status: "failed", reason: `answered, but not posted: ${post.problem}` };
  const secrets = [...what.secrets, ...post.secrets];
  const redact = (text: string) => redactCredentials(text, secrets);
  const sent = await sendWithRetries(post.request, {
    fetch: chat.fetch ?? globalThis.fetch,
    timeouts: chat.timeouts,
    redact,
    // Slack's chat.postMessage and Discord's follow-ups are not idempotent: a timed-out post may have landed.
    retryAfterTimeout: false,
  });
  if (sent.ok) {
    logger.info("chat answer posted", { ...log, attempts: sent.attempts });
    return { status: "done", reason: `answered in ${post.where}` };
  }
  logger.warn("chat answer not posted", { ...log, attempts: sent.attempts, error: sent.error });
  // Retried already inside the post's time; the answer stays kept on the run, so a replay posts it
  // without a new completion.
  return {
    status: "failed",
    reason: `answered, but the post to ${post.where} failed: ${sent.error ?? "no reason given"}`,
  };
}
