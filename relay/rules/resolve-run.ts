import { durationMs } from "../../config/duration.ts";
import type { Rule } from "../../config/rules-schema.ts";
import type { RepoAllowList } from "../../github/repo-allow-list.ts";
import type { DeliveryLog, DeliveryRecord } from "../../store/delivery-log.ts";
import type { DeliveryOutcome } from "../../store/delivery-queue.ts";
import { builtinRule } from "./builtin-rule.ts";
import { cooldownReason } from "./cooldown-reason.ts";
import { deliveryReason } from "./delivery-reason.ts";
import { toRuleEvent, type RuleEvent } from "./rule-event.ts";

export interface ResolveOptions {
  rules: () => readonly Rule[];
  allowList: RepoAllowList;
  deliveries: Pick<DeliveryLog, "startRuleRun">;
  now: () => number;
}

/** The stored delivery as rules see it, or the outcome when its payload cannot be read back. */
export function storedEvent(delivery: DeliveryRecord): RuleEvent | DeliveryOutcome {
  const event = toRuleEvent(delivery.event, JSON.parse(delivery.payload ?? "null"));
  return typeof event === "string" ? { status: "failed", reason: `stored payload is unusable: ${event}` } : event;
}

/**
 * The rule a stored delivery runs, looked up by name in the rules as they are now, or the outcome
 * that ends it first: automation or a repository GITHUB_REPOS no longer allows (a replay, a long
 * queue), a rule a reload removed, or the rule's cooldown on this thread.
 */
export async function resolveRun(
  delivery: DeliveryRecord,
  event: RuleEvent,
  ownLogin: string | null,
  options: ResolveOptions,
): Promise<{ rule: Rule } | { outcome: DeliveryOutcome }> {
  // Judged as of its arrival: the 72-hour bound counts to when GitHub sent it, not to a retry.
  const refused = deliveryReason(event, { ownLogin, now: delivery.receivedAt, allowList: options.allowList });
  if (refused) return { outcome: { status: "ignored", reason: refused } };
  // Deliveries stored before rules existed were all the built-in rule's.
  const name = delivery.rule ?? builtinRule.name;
  const rule = options.rules().find((candidate) => candidate.name === name);
  if (!rule) return { outcome: { status: "ignored", reason: `rule ${name} is no longer in the config` } };
  if (rule.cooldown) {
    const now = options.now();
    const turn = `${rule.name}:${event.owner}/${event.repo}`.toLowerCase() + `#${event.number}`;
    const earlier = await options.deliveries.startRuleRun(turn, delivery.key, now, durationMs(rule.cooldown));
    const reason = cooldownReason(rule, earlier, now);
    if (reason) return { outcome: { status: "ignored", reason } };
  }
  return { rule };
}
