import type { ObservationStore } from "../../store/observation-store.ts";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;

const labelActions = new Set(["labeled", "unlabeled", "closed"]);

/** The label changes a person made in an `issues` delivery, as (label, change) pairs. */
function changesIn(action: string, payload: Json): Array<[string, "applied" | "removed"]> {
  const { label, issue } = payload as { label?: { name?: unknown }; issue: Json };
  if (action === "labeled" || action === "unlabeled") {
    if (typeof label?.name !== "string") return [];
    return [[label.name, action === "labeled" ? "applied" : "removed"]];
  }
  // Closing settles the issue: what it is labelled then is people's answer, and a duplicate is one.
  const names = Array.isArray(issue.labels) ? issue.labels.map((l: unknown) => (isObject(l) ? l.name : l)) : [];
  const kept = names.filter((name): name is string => typeof name === "string");
  if (issue.state_reason === "duplicate") kept.push("duplicate");
  return kept.map((name) => [name, "applied"]);
}

/**
 * Keeps a person's label change (`issues.labeled`, `unlabeled`, `closed`) on an issue an observed
 * run wrote about, for observe mode's label agreement (label-agreement.ts). Reads only our store,
 * never GitHub: the door answers within GitHub's 10 s. Bots' and the relay's own changes are not
 * people's answer. Returns what was kept (the delivery's reason) and the issue, or null.
 */
export async function noteLabelChange(
  event: string,
  payload: Json,
  options: { deliveryId: string; observations: ObservationStore; ownLogin: string | null; now: number },
): Promise<{ reason: string; repository: string; issueNumber: number } | null> {
  const action = typeof payload.action === "string" ? payload.action : "";
  if (event !== "issues" || !labelActions.has(action)) return null;
  const { repository, issue, sender } = payload as { repository?: Json; issue?: Json; sender?: Json };
  const owner = isObject(repository?.owner) ? repository.owner.login : undefined;
  const repo = repository?.name;
  const issueNumber = issue?.number;
  if (typeof owner !== "string" || typeof repo !== "string" || typeof issueNumber !== "number") return null;
  const login = typeof sender?.login === "string" ? sender.login : "";
  if (sender?.type === "Bot" || login.endsWith("[bot]")) return null;
  if (options.ownLogin && login.toLowerCase() === options.ownLogin.toLowerCase()) return null;
  if (!(await options.observations.observed(owner, repo, issueNumber))) return null;
  const changes = changesIn(action, payload as Json & { issue: Json });
  for (const [label, change] of changes) {
    const at = options.now;
    await options.observations.recordLabelChange({
      deliveryId: options.deliveryId,
      owner,
      repo,
      issueNumber,
      label,
      change,
      at,
    });
  }
  const what = changes.map(([label, change]) => `${change} ${label}`).join(", ") || "no labels";
  const reason = `kept for observe mode's label agreement (${what}, by ${login || "someone"})`;
  return { reason, repository: `${owner}/${repo}`, issueNumber };
}
