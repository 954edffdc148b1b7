import { threadOf, type LabelChange, type Observation } from "../../store/observation-store.ts";

/** People's label changes count for an observed run when made within this long after it. */
export const agreementWindowMs = 14 * 24 * 60 * 60 * 1000;

/** The deliveries page measures the observed runs of this long ago to now. */
export const agreementSpanMs = 90 * 24 * 60 * 60 * 1000;

/** How one observed rule's labels compare with people's, over its runs that recorded labels. */
export interface RuleAgreement {
  rule: string;
  /** Observed runs that recorded labels. */
  runs: number;
  /** Of those, the runs whose issue people labelled, unlabelled or closed within the window. */
  judged: number;
  /** Labels the judged runs recorded. */
  recorded: number;
  /** Of those, the labels people applied within the window and had not removed by its end. */
  agreed: number;
}

interface ObservedRun {
  rule: string;
  thread: string;
  at: number;
  labels: Set<string>;
}

/** One entry per delivery: a run may call add_labels more than once. */
function observedRuns(observations: readonly Observation[]): ObservedRun[] {
  const runs = new Map<string, ObservedRun>();
  for (const o of observations) {
    const run = runs.get(o.deliveryKey) ?? {
      rule: o.rule,
      thread: threadOf(o.owner, o.repo, o.issueNumber),
      at: o.at,
      labels: new Set<string>(),
    };
    for (const label of o.labels) run.labels.add(label.toLowerCase());
    runs.set(o.deliveryKey, run);
  }
  return [...runs.values()];
}

/** The labels people left applied on the thread, from their changes within the run's window; null: none made. */
function peoplesLabels(run: ObservedRun, changes: readonly LabelChange[]): Set<string> | null {
  const within = changes.filter(
    (c) =>
      threadOf(c.owner, c.repo, c.issueNumber) === run.thread && c.at >= run.at && c.at <= run.at + agreementWindowMs,
  );
  if (within.length === 0) return null;
  const last = new Map<string, LabelChange["change"]>();
  for (const change of within) last.set(change.label.toLowerCase(), change.change);
  return new Set([...last].filter(([, change]) => change === "applied").map(([label]) => label));
}

/**
 * Label agreement per observed rule: the share of the labels a rule recorded that people applied
 * themselves within `agreementWindowMs` and did not remove in that time, over the runs whose issue
 * people acted on (labelled, unlabelled, closed). Runs nobody acted on yet are counted, not judged.
 */
export function labelAgreement(history: {
  observations: readonly Observation[];
  changes: readonly LabelChange[];
}): RuleAgreement[] {
  const byRule = new Map<string, RuleAgreement>();
  for (const run of observedRuns(history.observations)) {
    const entry = byRule.get(run.rule) ?? { rule: run.rule, runs: 0, judged: 0, recorded: 0, agreed: 0 };
    byRule.set(run.rule, entry);
    entry.runs++;
    const applied = peoplesLabels(run, history.changes);
    if (!applied) continue;
    entry.judged++;
    entry.recorded += run.labels.size;
    entry.agreed += [...run.labels].filter((label) => applied.has(label)).length;
  }
  return [...byRule.values()].sort((a, b) => a.rule.localeCompare(b.rule));
}
