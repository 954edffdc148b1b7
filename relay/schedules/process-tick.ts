import type { RunTarget } from "../../github/run-comment.ts";
import type { NotifyMessage, NotifyOutcome } from "../../notify/notify-types.ts";
import { finalAnswer, messageError } from "../../open-webui/read-chat.ts";
import { TransientError } from "../../lib/transient-error.ts";
import type { DeliveryRecord } from "../../store/delivery-log.ts";
import type { DeliveryOutcome } from "../../store/delivery-queue.ts";
import { earlierOutcome, type ProcessorOptions } from "../process-delivery.ts";
import { readRunOutcome, type OutcomeOptions } from "../read-run-outcome.ts";
import { runModel } from "../run-model.ts";
import { runRuleOf } from "../rules/run-rule-of.ts";
import { earlierIssue, openTickIssue } from "./create-tick-issue.ts";
import { schedulePrompts } from "./schedule-prompts.ts";
import { isScheduleRule, scheduleRepo, tickEvent, type ScheduleRule } from "./schedule-ticks.ts";

/** Posts a run's answer to a named channel (notify/create-notifier.ts); never throws. */
export type NotifyChannel = (channel: string, message: NotifyMessage) => Promise<NotifyOutcome>;

/** The issue number a run records when its target is no issue: no tool call can name it (issues start at 1). */
export const noIssue = 0;

export function isTick(delivery: DeliveryRecord): boolean {
  return delivery.event === tickEvent && delivery.action === "tick";
}

/** The tick's time, from its key (`schedule:<rule>@<ISO>`). */
function tickTime(delivery: DeliveryRecord): number {
  return Date.parse(delivery.key.slice(delivery.key.lastIndexOf("@") + 1));
}

/**
 * One tick's run: the rule's prompt and model in a chat, with the write target the rule fixes. An
 * issue target is recorded on the run, so the tool server lets post_issue_comment write there only;
 * a notify or create_issue target records no issue (the model can write nothing on GitHub), and
 * the relay delivers the answer itself: to the channel, or as the tick's one new issue.
 */
export async function processTick(delivery: DeliveryRecord, options: OutcomeOptions): Promise<DeliveryOutcome> {
  const found = options.rules().find((rule) => rule.name === delivery.rule);
  if (!found || !isScheduleRule(found))
    return { status: "ignored", reason: `rule ${delivery.rule} is no longer a schedule in the config` };
  const rule: ScheduleRule = found;
  const { owner, repo } = scheduleRepo(rule);
  if (!options.allowList.allows(owner, repo))
    return { status: "ignored", reason: `${owner}/${repo} is not in GITHUB_REPOS` };
  if (rule.mode === "observe")
    return { status: "ignored", reason: `rule ${rule.name}: observe mode is not available yet` };
  const log: Record<string, unknown> = { deliveryId: delivery.deliveryId, attempt: delivery.attempts, rule: rule.name };
  const issueNumber = "issue" in rule.target ? rule.target.issue : noIssue;
  const target: RunTarget = {
    owner,
    repo,
    issueNumber,
    deliveryId: delivery.deliveryId,
    ownLogin: await options.ownLogin(),
  };
  const earlier =
    issueNumber !== noIssue
      ? await earlierOutcome(options, delivery, target, log)
      : "create_issue" in rule.target
        ? await earlierIssue(options, delivery)
        : undefined;
  if (earlier) return earlier;
  const tick = tickTime(delivery);
  const run = await runModel(options, {
    delivery,
    target,
    prompts: schedulePrompts(rule, tick),
    model: rule.model ?? options.model,
    rule: runRuleOf(rule),
    reviewCommentId: null,
    title: `${rule.name} at ${new Date(tick).toISOString()}`,
    log,
  });
  if ("issue" in rule.target) return readRunOutcome(options, target, { ...run, deliveryKey: delivery.key }, log);
  const answer = await answerOf(options, run);
  if (typeof answer !== "string") return answer;
  if ("notify" in rule.target)
    return notifyAnswer(options, rule.target.notify, { ...run, delivery, rule, answer }, log);
  return openTickIssue(options, { chatId: run.chatId, delivery, rule, tick, answer });
}

/** The model's reply, which the relay delivers itself; or the outcome when there is none. */
async function answerOf(
  options: Pick<ProcessorOptions, "openWebUI">,
  run: { chatId: string; assistantMessageId: string },
): Promise<string | DeliveryOutcome> {
  const record = await options.openWebUI.getChat(run.chatId);
  const answer = finalAnswer(record, run.assistantMessageId);
  if (answer) return answer;
  const error = messageError(record, run.assistantMessageId);
  // Open WebUI answers 200 and writes the provider's failure on the message: an outage, worth retrying.
  if (error) throw new TransientError(`Open WebUI reported: ${error}`);
  return { status: "failed", reason: "the model gave no answer to deliver" };
}

async function notifyAnswer(
  options: Pick<ProcessorOptions, "logger" | "notify">,
  channel: string,
  run: { chatId: string; delivery: DeliveryRecord; rule: ScheduleRule; answer: string },
  log: Record<string, unknown>,
): Promise<DeliveryOutcome> {
  const { answer } = run;
  if (!options.notify) return { status: "failed", reason: `no notifier: channel ${channel} cannot be reached` };
  const title = `${run.rule.name} (${run.rule.repos[0]})`;
  const outcome = await options.notify(channel, { title, text: answer, deliveryId: run.delivery.deliveryId });
  if (!outcome.ok) {
    options.logger.warn("scheduled answer not posted to its channel", { ...log, channel, error: outcome.error });
    return { status: "failed", reason: `posting to ${channel} failed: ${outcome.error ?? "unknown error"}` };
  }
  options.logger.info("scheduled answer posted to its channel", { ...log, channel, chatId: run.chatId });
  return { status: "done", reason: `answer posted to ${channel}` };
}
