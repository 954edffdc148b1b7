import type { Rule } from "../../config/rules-schema.ts";
import type { RepoAllowList } from "../../github/repo-allow-list.ts";
import { issuesOpenedFacts } from "../classify-delivery.ts";
import { deliveryReason } from "./delivery-reason.ts";
import { matchRules, matchSummary, needsChangedPaths } from "./match-rules.ts";
import { toRuleEvent, type RuleEvent } from "./rule-event.ts";
import { ruleEvents } from "./rule-reason.ts";
import { runKeyFor } from "./run-key-for.ts";

/** One run a delivery starts: its key, and its rule (null: the worker matches the rules, see `deferredMatch`). */
export interface PlannedRun {
  key: string;
  rule: string | null;
}

export type DoorDecision =
  | { kind: "ping" }
  | { kind: "invalid"; reason: string }
  | { kind: "ignore"; reason: string; repository?: string; issueNumber?: number }
  | { kind: "work"; repository: string; issueNumber: number; runs: PlannedRun[] };

export interface DecideOptions {
  rules: readonly Rule[];
  allowList: RepoAllowList;
  /** Null until the relay has resolved it. */
  ownLogin: string | null;
  now: number;
}

/**
 * The key of a delivery whose rules the door cannot decide without a slow call: the worker matches
 * it (relay/rules/match-in-worker.ts). '+' is no rule name's, so it never collides with a run's key.
 */
export const deferredMatch = { name: "+match" };

export function isDeferredMatch(key: string): boolean {
  return key.startsWith(`${deferredMatch.name}:`);
}

/**
 * What the door does with a delivery, from the payload alone: which rules run (one stored delivery
 * per run, keyed by runKeyFor), or why none does. A rule that needs a pull request's changed files
 * (`if.paths`), or `mentions_bot` before the relay knows its login, is decided by the worker, so
 * the door never waits on GitHub.
 */
export function decideDelivery(event: string, payload: Record<string, unknown>, options: DecideOptions): DoorDecision {
  if (event === "ping") return { kind: "ping" };
  const action = typeof payload.action === "string" ? payload.action : null;
  const name = `${event}${action ? `.${action}` : ""}`;
  // Today's answer to an issues.opened that lacks what every run needs.
  if (name === "issues.opened") {
    const facts = issuesOpenedFacts(payload);
    if (typeof facts === "string") return { kind: "invalid", reason: facts };
  }
  const listening = options.rules.filter((rule) => ruleEvents(rule).includes(name));
  if (listening.length === 0) return { kind: "ignore", reason: `${name} is not handled` };
  const ruleEvent = toRuleEvent(event, payload);
  if (typeof ruleEvent === "string") return { kind: "invalid", reason: ruleEvent };
  const where = { repository: `${ruleEvent.owner}/${ruleEvent.repo}`, issueNumber: ruleEvent.number };
  const context = { ownLogin: options.ownLogin, now: options.now, allowList: options.allowList };
  const refused = deliveryReason(ruleEvent, context);
  if (refused) return { kind: "ignore", reason: refused, ...where };
  if (matchedByWorker(listening, ruleEvent, options.ownLogin))
    return { kind: "work", ...where, runs: [{ key: runKeyFor(deferredMatch, ruleEvent), rule: null }] };
  const match = matchRules(options.rules, ruleEvent, context);
  if (match.run.length === 0)
    return { kind: "ignore", reason: matchSummary(options.rules, ruleEvent, match), ...where };
  const runs = match.run.map((rule) => ({ key: runKeyFor(rule, ruleEvent), rule: rule.name }));
  return { kind: "work", ...where, runs };
}

function matchedByWorker(listening: readonly Rule[], event: RuleEvent, ownLogin: string | null): boolean {
  if (needsChangedPaths(listening, event)) return true;
  return ownLogin === null && listening.some((rule) => rule.if?.mentions_bot !== undefined);
}
