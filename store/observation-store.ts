import type { RunRecord } from "./run-store.ts";
/**
 * Writes an observed run would have made (a rule in `mode: observe`, issue 13), recorded instead of
 * sent, and people's later label changes on the issues they were for, so the deliveries page can
 * show what a rule would have done and how often its labels agreed with people's.
 */
export interface Observation {
  deliveryKey: string;
  deliveryId: string;
  chatId: string;
  /** The observed rule's name. */
  rule: string;
  owner: string;
  repo: string;
  issueNumber: number;
  /** The write tool the model called, or `answer`: the relay's own fallback comment (COMMENT_FALLBACK). */
  tool: string;
  /** Where the write would have gone: `octo/app#12`, or `octo/app workflow triage.yml@main`. */
  target: string;
  /** The comment's (or new issue's) text, or the workflow's inputs as JSON; null when the write has none. */
  text: string | null;
  labels: readonly string[];
  at: number;
}

export type NewObservation = Omit<Observation, "at">;

/** A person's label change on an issue an observed run wrote about, taken from a webhook delivery. */
export interface LabelChange {
  /** The delivery it came in: the same delivery again changes nothing. */
  deliveryId: string;
  owner: string;
  repo: string;
  issueNumber: number;
  label: string;
  change: "applied" | "removed";
  at: number;
}

export interface ObservationStore {
  record(observation: NewObservation): Promise<void>;
  /** The observations of these deliveries, oldest first. */
  ofDeliveries(keys: readonly string[]): Promise<Observation[]>;
  /** Whether any observed run recorded a write for the issue (the webhook door asks before keeping label changes). */
  observed(owner: string, repo: string, issueNumber: number): Promise<boolean>;
  /** Keeps a person's label change; once per delivery and label. */
  recordLabelChange(change: LabelChange): Promise<void>;
  /** Observations that recorded labels since `since` (oldest first), and every label change kept on their issues. */
  labelHistory(since: number): Promise<{ observations: Observation[]; changes: LabelChange[] }>;
}

/** How the stores name an issue: letter case does not matter on GitHub. */
export function threadOf(owner: string, repo: string, issueNumber: number): string {
  return `${owner}/${repo}`.toLowerCase() + `#${issueNumber}`;
}

/** What a run would have written, as recorded under the run's delivery and rule. */
export function observationOf(
  run: RunRecord,
  write: Pick<NewObservation, "tool" | "target" | "text" | "labels">,
): NewObservation {
  const { deliveryKey, deliveryId, chatId, owner, repo, issueNumber } = run;
  return { deliveryKey, deliveryId, chatId, rule: run.rule?.name ?? "", owner, repo, issueNumber, ...write };
}
