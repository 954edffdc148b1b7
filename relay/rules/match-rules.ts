import type { Rule } from "../../config/rules-schema.ts";
import { deliveryReason, type MatchContext } from "./delivery-reason.ts";
import type { RuleEvent } from "./rule-event.ts";
import { ruleEvents, ruleReason } from "./rule-reason.ts";

export type { MatchContext } from "./delivery-reason.ts";

export interface RuleSkip {
  /** The rule, or null for a reason that concerns the delivery whatever the rules say. */
  rule: string | null;
  reason: string;
}

export interface RuleMatch {
  /** The rules to run, in order: the first match, and the next ones while each says `continue`. */
  run: Rule[];
  /** Why each other rule did not run. */
  skipped: RuleSkip[];
}

/** Matches a delivery against the rules in order; the first match runs (`continue: true` lets the next run too). */
export function matchRules(rules: readonly Rule[], event: RuleEvent, context: MatchContext): RuleMatch {
  const refused = deliveryReason(event, context);
  if (refused) return { run: [], skipped: [{ rule: null, reason: refused }] };
  const run: Rule[] = [];
  const skipped: RuleSkip[] = [];
  let stoppedBy: string | null = null;
  for (const rule of rules) {
    if (stoppedBy) {
      skipped.push({ rule: rule.name, reason: `rule ${stoppedBy} matched first (without continue)` });
      continue;
    }
    const reason = ruleReason(rule, event, context);
    if (reason) {
      skipped.push({ rule: rule.name, reason });
      continue;
    }
    run.push(rule);
    if (!rule.continue) stoppedBy = rule.name;
  }
  return { run, skipped };
}

/**
 * One line for the deliveries page: which rules ran ("rule triage ran"), or why none did ("no rule
 * for issue_comment.created", "rule answer-mentions: author NONE may not trigger (...)").
 */
export function matchSummary(rules: readonly Rule[], event: RuleEvent, match: RuleMatch): string {
  if (match.run.length > 0)
    return `${match.run.length > 1 ? "rules" : "rule"} ${match.run.map((r) => r.name).join(", ")} ran`;
  const delivery = match.skipped.find((skip) => skip.rule === null);
  if (delivery) return delivery.reason;
  const listening = new Set(rules.filter((rule) => ruleEvents(rule).includes(event.name)).map((rule) => rule.name));
  if (listening.size === 0) return `no rule for ${event.name}`;
  return match.skipped
    .filter((skip) => skip.rule !== null && listening.has(skip.rule))
    .map((skip) => `rule ${skip.rule}: ${skip.reason}`)
    .join("; ");
}

/**
 * Whether a rule that could run on this event asks for its changed files (`if.paths`): the
 * payload does not list them, so the caller fetches them first and only then.
 */
export function needsChangedPaths(rules: readonly Rule[], event: RuleEvent): boolean {
  return (
    event.kind === "pr" &&
    event.changedPaths === null &&
    rules.some((rule) => ruleEvents(rule).includes(event.name) && rule.if?.paths !== undefined)
  );
}
