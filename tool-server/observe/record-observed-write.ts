import { z } from "zod";
import type { RunRecord } from "../../store/run-store.ts";
import { observationOf } from "../../store/observation-store.ts";
import type { CallContext, ToolDependencies } from "../tool-definition.ts";

/** The relay run of this call when its rule is in observe mode: its writes are recorded, never sent. */
export function observedRun(call: CallContext): RunRecord | undefined {
  return call.run?.rule?.mode === "observe" ? call.run : undefined;
}

/** What a write tool answers in observe mode, so the model takes the write as made and does not retry it. */
export const observedNote =
  "Observe mode: nothing was sent to GitHub. This write was recorded for the maintainers to review, exactly as if it had been made: treat it as done and do not retry it.";

/** The field every write tool's answer carries in observe mode. */
export const observedField = z.string().optional().meta({
  description:
    "Present only when the automated run is in observe mode: the write was recorded, not sent to GitHub. Treat it as done; do not retry.",
});

/** Records what the run would have written, under the run's delivery and rule. */
export async function recordObservedWrite(
  deps: Pick<ToolDependencies, "observations" | "logger">,
  run: RunRecord,
  write: { tool: string; target: string; text: string | null; labels: readonly string[] },
): Promise<void> {
  await deps.observations.record(observationOf(run, write));

  deps.logger.info("observed write recorded, not sent", {
    deliveryId: run.deliveryId,
    chatId: run.chatId,
    tool: write.tool,
    target: write.target,
  });
}

/** A run's issue on GitHub, the link an observed comment answers with. */
export function issueUrl(run: Pick<RunRecord, "owner" | "repo" | "issueNumber">): string {
  return `https://github.com/${encodeURIComponent(run.owner)}/${encodeURIComponent(run.repo)}/issues/${run.issueNumber}`;
}
