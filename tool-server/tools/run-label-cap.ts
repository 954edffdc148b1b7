import { HttpError } from "../../lib/http-error.ts";
import type { RunRecord } from "../../store/run-store.ts";
import { withLock } from "../../store/with-lock.ts";
import type { ToolDependencies } from "../tool-definition.ts";
import { sameLabel } from "./existing-label-names.ts";

// Held across one GitHub call (its retries included).
const lockMs = 30_000;

/**
 * A run's add_labels call within its rule's max_labels, counted across the run's calls (a label
 * added again counts once). The count is read and written under a lock per run, so two calls at
 * once cannot both pass the cap; labels count once GitHub took them.
 */
export async function withinLabelCap<T>(
  run: RunRecord,
  labels: readonly string[],
  deps: Pick<ToolDependencies, "runs" | "coordination">,
  add: () => Promise<T>,
): Promise<T> {
  const max = run.rule?.maxLabels ?? null;
  if (max === null) return add();
  return withLock(
    deps.coordination,
    `labels:${run.chatId}`,
    async () => {
      const added = (await deps.runs.get(run.chatId))?.labelsAdded ?? [];
      const fresh = labels.filter((label) => !added.some((a) => sameLabel(a, label)));
      if (added.length + fresh.length > max) throw overCap(max, added, fresh);
      const result = await add();
      if (fresh.length > 0) await deps.runs.setLabelsAdded(run.chatId, [...added, ...fresh]);
      return result;
    },
    { ttlMs: lockMs, waitMs: lockMs },
  );
}

function overCap(max: number, added: readonly string[], fresh: readonly string[]): HttpError {
  if (max === 0)
    return new HttpError(
      403,
      "This automated run may not add labels: its rule allows none (max_labels: 0). Do not retry; say which labels you would add instead.",
    );
  const left = max - added.length;
  const so = added.length > 0 ? `it has added ${added.join(", ")} already, ` : "";
  const next = left > 0 ? `Call again with at most ${left} of them` : "Do not call add_labels again";
  return new HttpError(
    403,
    `This automated run may add at most ${max} label(s): ${so}so ${fresh.join(", ")} would be too many. ${next}; nothing was added.`,
  );
}
