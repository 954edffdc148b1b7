import { randomUUID } from "node:crypto";
import type { RunTarget } from "../github/run-comment.ts";
import type { DeliveryRecord } from "../store/delivery-log.ts";
import type { RunRule } from "../store/run-store.ts";
import type { ProcessorOptions } from "./process-delivery.ts";
import { openWebUIToolId } from "../open-webui/tool-server-connection.ts";

/** The chat a run took place in, and the assistant message the model's answer is written on. */
export interface ModelRun {
  chatId: string;
  assistantMessageId: string;
}

export interface ModelRunInput {
  delivery: DeliveryRecord;
  target: RunTarget;
  /** The rule's messages (relay/rules/render-rule-prompt.ts promptsFor). */
  prompts: { system: string; user: string };
  model: string;
  /** What the rule lets the tool server do in this run (RunRecord.rule). */
  rule: RunRule;
  /** When a review comment started the run (RunRecord.reviewCommentId). */
  reviewCommentId: number | null;
  /** The issue's or pull request's title, for the chat's. */
  title: string;
  /** The delivery's log fields. */
  log: Record<string, unknown>;
  /** A chat run's asker (RunRecord.askedBy) and its chat's whole title; absent for an issue's run. */
  chat?: { askedBy: string; title: string };
}

/** Opens the run's chat in Open WebUI, records the run, and lets the model work with our tools until its completion ends. */
export async function runModel(
  options: Pick<ProcessorOptions, "runs" | "openWebUI" | "toolServerId" | "toolConnection" | "logger">,
  { delivery, target, prompts, model, rule, reviewCommentId, title, log, chat: asked }: ModelRunInput,
): Promise<ModelRun> {
  const { runs, openWebUI, logger } = options;
  const userMessage = prompts.user;
  const userMessageId = randomUUID();
  const assistantMessageId = randomUUID();
  const chat = await openWebUI.createChat({
    // A run with no issue (a schedule that notifies) records issue 0, which is no place to name.
    title:
      asked?.title ??
      `${target.owner}/${target.repo}${target.issueNumber ? `#${target.issueNumber}` : ""}: ${title}`.slice(0, 200),
    model,
    userMessageId,
    assistantMessageId,
    userMessage,
  });
  // Recorded before the model runs: the tool server scopes the run's tool calls by this chat id.
  await runs.add({
    chatId: chat.id,
    deliveryKey: delivery.key,
    deliveryId: delivery.deliveryId,
    owner: target.owner,
    repo: target.repo,
    issueNumber: target.issueNumber,
    messageId: assistantMessageId,
    userId: typeof chat.user_id === "string" ? chat.user_id : null,
    rule,
    reviewCommentId,
    ...(asked ? { askedBy: asked.askedBy } : {}),
  });
  logger.info("chat created", { ...log, chatId: chat.id, model, mode: rule.mode });

  const completionStarted = Date.now();
  const toolId = openWebUIToolId(options.toolServerId, options.toolConnection);
  logger.info("completion started", { ...log, chatId: chat.id, toolServer: toolId });
  try {
    await openWebUI.complete({
      model,
      system: prompts.system,
      userMessage,
      chatId: chat.id,
      userMessageId,
      assistantMessageId,
      toolIds: [toolId],
    });
  } finally {
    // The run's scope ends with its completion: a late or replayed tool call with this chat id gets
    // nothing. Should the store fail here, the run still ends with its delivery (RunRecord.live).
    await runs
      .finish(chat.id)
      .catch((error: unknown) =>
        logger.warn("run not marked finished", { ...log, chatId: chat.id, error: String(error) }),
      );
  }

  logger.info("completion finished", { ...log, chatId: chat.id, ms: Date.now() - completionStarted });
  return { chatId: chat.id, assistantMessageId };
}
