import { runMarker, stripRunMarkers } from "../../github/run-comment.ts";
import { neutralizeMentions, redactCredentials } from "../../github/safe-comment.ts";
import type { DeliveryRecord } from "../../store/delivery-log.ts";
import type { DeliveryOutcome } from "../../store/delivery-queue.ts";
import type { ProcessorOptions } from "../process-delivery.ts";
import { scheduleRepo, type ScheduleRule } from "./schedule-ticks.ts";

type Options = Pick<ProcessorOptions, "github" | "coordination" | "runs" | "secrets" | "logger">;

// Held for good once an attempt starts creating: the lock is what makes it at most one issue.
const onceMs = 365 * 24 * 3_600_000;
const maxTitleLength = 256;
const lockName = (delivery: DeliveryRecord) => `create-issue:${delivery.key}`;

/**
 * What an earlier attempt of the tick did: the issue it opened, or an attempt that began opening
 * one and cannot say whether GitHub did (a crash, a lost answer): then no second issue is opened.
 */
export async function earlierIssue(options: Options, delivery: DeliveryRecord): Promise<DeliveryOutcome | undefined> {
  const opened = await options.runs.commentOf(delivery.key);
  if (opened) return { status: "done", reason: "issue opened by an earlier attempt", commentUrl: opened.url };
  if (!(await options.coordination.tryLock(lockName(delivery), `probe:${delivery.attempts}`, 1))) {
    return {
      status: "failed",
      reason:
        "an earlier attempt began opening the issue and did not record it: check the repository (no second issue is opened)",
    };
  }
  await options.coordination.unlock(lockName(delivery), `probe:${delivery.attempts}`);
  return undefined;
}

/** The model's answer as an issue: its first line the title, the rest the body, with the rule's labels. */
export function issueFromAnswer(answer: string, rule: ScheduleRule, tick: number) {
  const [first = "", ...rest] = answer.trim().split("\n");
  const heading = first.replace(/^#+\s*|^title:\s*/i, "").trim();
  const title = (heading || `${rule.name} ${new Date(tick).toISOString().slice(0, 10)}`).slice(0, maxTitleLength);
  return { title, body: rest.join("\n").trim() };
}

/**
 * Opens the tick's one issue. The lock is taken before the request and kept: a retry after an
 * answer GitHub may or may not have acted on finds it held and opens nothing (earlierIssue). Only
 * a refusal that says nothing was created (a 4xx) releases it, so a replay can try again.
 */
export async function openTickIssue(
  options: Options,
  run: { chatId: string; delivery: DeliveryRecord; rule: ScheduleRule; tick: number; answer: string },
): Promise<DeliveryOutcome> {
  const { delivery, rule } = run;
  if (!("create_issue" in rule.target)) throw new Error("openTickIssue needs a create_issue target");
  const { owner, repo } = scheduleRepo(rule);
  const { title, body } = issueFromAnswer(redactCredentials(run.answer, options.secrets), rule, run.tick);
  if (!(await options.coordination.tryLock(lockName(delivery), run.chatId, onceMs)))
    return { status: "failed", reason: "another attempt is opening this tick's issue" };
  try {
    const { data } = await options.github.rest.issues.create({
      owner,
      repo,
      title: neutralizeMentions(title),
      body: `${neutralizeMentions(stripRunMarkers(body))}\n\n${runMarker(delivery.deliveryId)}`,
      labels: [...rule.target.create_issue.labels],
      // Not idempotent: after a 5xx the issue may exist, and the lock keeps a second one from being opened.
      request: { retries: 0 },
    });
    await options.runs.setComment(run.chatId, { id: data.number, url: data.html_url });
    options.logger.info("scheduled issue opened", { deliveryId: delivery.deliveryId, issue: data.html_url });
    return { status: "done", reason: "issue opened by the relay", commentUrl: data.html_url };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === "number" && status >= 400 && status < 500)
      await options.coordination.unlock(lockName(delivery), run.chatId);
    return { status: "failed", reason: `the issue was not opened: ${String((error as Error).message).slice(0, 300)}` };
  }
}
