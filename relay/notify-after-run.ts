import type { Rule } from "../config/rules-schema.ts";
import type { NotifyMessage, NotifyOutcome } from "../notify/notify-types.ts";
import type { OpenWebUIClient } from "../open-webui/chat-client.ts";
import { finalAnswer } from "../open-webui/read-chat.ts";
import type { Logger } from "../lib/logger.ts";
import type { DeliveryRecord } from "../store/delivery-log.ts";
import type { DeliveryOutcome } from "../store/delivery-queue.ts";
import type { RuleEvent } from "./rules/rule-event.ts";
import type { ModelRun } from "./run-model.ts";

/** Posts to one channel of the config file's `channels:`; never throws (notify/create-notifier.ts). */
export type NotifyChannel = (channel: string, message: NotifyMessage) => Promise<NotifyOutcome>;

export interface NotifyAfterRunOptions {
  notify?: NotifyChannel;
  openWebUI: OpenWebUIClient;
  logger: Logger;
}

/**
 * Tells each channel of the rule's `notify:` what a run posted: the comment's link and the model's
 * final words (what it says it posted). Only a run that commented is told, once, by the attempt
 * that commented. A channel that cannot be told never fails the run: its error is kept on the
 * delivery (`notifyError`), for the deliveries page.
 */
export async function notifyAfterRun(
  options: NotifyAfterRunOptions,
  run: { rule: Rule; event: RuleEvent; delivery: DeliveryRecord; model: ModelRun },
  outcome: DeliveryOutcome,
): Promise<DeliveryOutcome> {
  const channels = run.rule.notify ?? [];
  if (channels.length === 0 || outcome.status !== "done" || !outcome.commentUrl) return outcome;
  const { event, delivery } = run;
  const notify = options.notify ?? missingNotifier;
  const message: NotifyMessage = {
    title: `${run.rule.name}: ${event.owner}/${event.repo}#${event.number} ${event.title}`.slice(0, 200),
    link: outcome.commentUrl,
    text: (await answerOf(options, run.model)) || outcome.reason || "The run posted a comment.",
    deliveryId: delivery.deliveryId,
  };
  const outcomes = await Promise.all(channels.map((channel) => notify(channel, message)));
  const failed = outcomes.filter((o) => !o.ok).map((o) => `${o.channel}: ${o.error ?? "failed"}`);
  return failed.length > 0 ? { ...outcome, notifyError: failed.join("; ") } : outcome;
}

async function answerOf(options: NotifyAfterRunOptions, model: ModelRun): Promise<string> {
  try {
    return finalAnswer(await options.openWebUI.getChat(model.chatId), model.assistantMessageId);
  } catch (error) {
    // The comment's link is the news; without the words the channels still get it.
    options.logger.warn("run's answer not read for its notifications", { chatId: model.chatId, error: String(error) });
    return "";
  }
}

const missingNotifier: NotifyChannel = async (channel) => ({
  channel,
  ok: false,
  attempts: 0,
  error: "this relay was started without notification channels",
});
