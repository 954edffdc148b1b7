import { supersededReason, supersedingClaim } from "../github/comment-thread.ts";
import { postRunComment } from "../github/post-run-comment.ts";
import type { RunTarget } from "../github/run-comment.ts";
import { redactCredentials } from "../github/safe-comment.ts";
import { TransientError } from "../lib/transient-error.ts";
import { classifyError } from "./classify-error.ts";
import type { DeliveryOutcome } from "../store/delivery-queue.ts";
import type { ThreadClaim } from "../store/run-store.ts";
import { failedToolCalls, finalAnswer, messageError } from "../open-webui/read-chat.ts";
import type { ProcessorOptions } from "./process-delivery.ts";
import type { RelayObserver } from "./relay-metrics.ts";
import type { ModelRun } from "./run-model.ts";
import { isObserved, recordAnswer, recordedComment, recordedCommentOutcome } from "./rules/observed-outcome.ts";

export type OutcomeOptions = Omit<ProcessorOptions, "observer"> & { observer: RelayObserver };

/**
 * What a finished run came to: the model's own comment, or its answer posted by the relay
 * (COMMENT_FALLBACK), or a failure that says why. Counts the run's failed tool calls on the way.
 */
export async function readRunOutcome(
  options: OutcomeOptions,
  target: RunTarget,
  { chatId, assistantMessageId, deliveryKey }: ModelRun & { deliveryKey: string },
  log: Record<string, unknown>,
): Promise<DeliveryOutcome> {
  const { openWebUI, runs, logger, observer } = options;
  // Read back once: the tool calls that failed are counted, and the answer is there for the fallback.
  // The run's record (did the model comment?) is read meanwhile: two round trips at once, not one after the other.
  const [record, run] = await Promise.all([openWebUI.getChat(chatId), runs.get(chatId)]);
  for (const tool of failedToolCalls(record, assistantMessageId)) {
    observer.toolError(tool);
    logger.warn("a tool call failed in the run", { ...log, chatId, tool });
  }
  // A newer push's run took the thread's comment over while this one ran: nothing of this run stays.
  const newer = await supersedingClaim(runs, target, deliveryKey);
  if (newer) return superseded(options, newer, { ...log, chatId });
  if (isObserved(run) && (await recordedComment(options.observations, deliveryKey))) {
    logger.info("observe mode: the model's comment was recorded", { ...log, chatId });
    return recordedCommentOutcome;
  }
  if (run?.commentUrl) {
    logger.info("comment posted by the model", { ...log, chatId, commentUrl: run.commentUrl });
    return { status: "done", reason: "commented by the model", commentUrl: run.commentUrl };
  }

  const answer = finalAnswer(record, assistantMessageId);
  if (!answer) {
    const error = messageError(record, assistantMessageId);
    observer.modelError(error ? "message_error" : "no_answer");
    logger.warn("run finished without a comment or an answer", { ...log, chatId, error });
    // Open WebUI answers 200 and writes the model provider's failure on the message: an outage, worth retrying.
    if (error) throw new TransientError(`Open WebUI reported: ${error}`);
    return { status: "failed", reason: "the model neither called post_issue_comment nor gave an answer" };
  }
  if (run?.rule?.maxComments === 0) {
    logger.info("the model answered; its rule allows no comments, so the answer is not posted", { ...log, chatId });
    return { status: "done", reason: "answered; not posted, the rule allows no comments (max_comments: 0)" };
  }
  if (!options.commentFallback) {
    logger.warn("the model answered without commenting, and COMMENT_FALLBACK is off", { ...log, chatId });
    return { status: "failed", reason: "the model did not call post_issue_comment, and COMMENT_FALLBACK is off" };
  }
  if (isObserved(run)) return recordAnswer(options, run, answer, log);
  return postAnswer(options, target, { chatId, deliveryKey, answer }, log);
}

/**
 * The fallback: the relay posts the model's answer as the run's comment, credentials removed.
 * When the comment budget or a GitHub rate limit stops it, the answer is kept on the run and the
 * delivery waits without using an attempt (TransientError.keepsAttempt): the next claim posts
 * this answer instead of asking the model again.
 */
export async function postAnswer(
  options: OutcomeOptions,
  target: RunTarget,
  { chatId, deliveryKey, answer }: { chatId: string; deliveryKey: string; answer: string },
  log: Record<string, unknown>,
): Promise<DeliveryOutcome> {
  const { github, coordination, runs, logger } = options;
  const safe = redactCredentials(answer, options.secrets);
  if (safe !== answer) logger.warn("credentials removed from the model's answer before posting", { ...log, chatId });
  let posted;
  try {
    posted = await postRunComment(
      {
        github,
        coordination,
        commentLimits: options.commentLimits,
        commentTiming: options.commentTiming,
        budgetFor: options.budgetFor,
      },
      target,
      safe,
      { runs, chatId, deliveryKey },
    );
  } catch (error) {
    const { transient, reason, retryAfterMs } = classifyError(error);
    if (!transient || !retryAfterMs) throw error;
    await runs.keepAnswer(chatId, safe);
    logger.warn("answer kept until GitHub lets the relay comment again", { ...log, chatId, retryAfterMs });
    throw new TransientError(reason, { cause: error, retryAfterMs, keepsAttempt: true });
  }
  if ("supersededBy" in posted) return superseded(options, posted.supersededBy, { ...log, chatId });
  logger.info("fallback: the relay posted the model's answer", { ...log, chatId, commentUrl: posted.html_url });
  return { status: "done", reason: "answer posted by the relay (fallback)", commentUrl: posted.html_url };
}

function superseded(options: OutcomeOptions, newer: ThreadClaim, log: Record<string, unknown>): DeliveryOutcome {
  options.logger.info("run superseded by a newer delivery on its thread", { ...log, newer: newer.deliveryId });
  return { status: "ignored", reason: supersededReason(newer) };
}
