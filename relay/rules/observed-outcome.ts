import { redactCredentials } from "../../github/safe-comment.ts";
import type { Logger } from "../../lib/logger.ts";
import type { DeliveryOutcome } from "../../store/delivery-queue.ts";
import { observationOf, type ObservationStore } from "../../store/observation-store.ts";
import type { RunRecord } from "../../store/run-store.ts";

/** The tools whose recording stands for the run's comment (`answer`: the relay's own fallback comment). */
const commentTools = new Set(["post_issue_comment", "answer"]);

export function isObserved(run: RunRecord | undefined): run is RunRecord {
  return run?.rule?.mode === "observe";
}

/** Whether a run of the delivery (this one, or an earlier attempt's) recorded a comment in observe mode. */
export async function recordedComment(observations: ObservationStore, deliveryKey: string): Promise<boolean> {
  return (await observations.ofDeliveries([deliveryKey])).some((o) => commentTools.has(o.tool));
}

export const recordedCommentOutcome: DeliveryOutcome = {
  status: "done",
  reason: "observe mode: the model's comment was recorded, not posted",
};

/**
 * The fallback comment of an observed run: the model's answer, credentials removed, recorded as
 * the comment the relay would have posted. Nothing reaches GitHub and no comment budget is spent.
 */
export async function recordAnswer(
  options: { observations: ObservationStore; secrets: readonly string[]; logger: Logger },
  run: RunRecord,
  answer: string,
  log: Record<string, unknown>,
): Promise<DeliveryOutcome> {
  const text = redactCredentials(answer, options.secrets);
  await options.observations.record(
    observationOf(run, { tool: "answer", target: `${run.owner}/${run.repo}#${run.issueNumber}`, text, labels: [] }),
  );

  options.logger.info("observe mode: the model's answer recorded as the relay's comment, not posted", {
    ...log,
    chatId: run.chatId,
  });
  return { status: "done", reason: "observe mode: the answer was recorded as the relay's comment, not posted" };
}
