import { durationMs } from "../../config/duration.ts";
import type { Rule } from "../../config/rules-schema.ts";
import type { RepoAllowList } from "../../github/repo-allow-list.ts";
import type { DeliveryLog, DeliveryRecord } from "../../store/delivery-log.ts";
import type { DeliveryOutcome } from "../../store/delivery-queue.ts";
import type { Logger } from "../../lib/logger.ts";
import { builtinRule } from "./builtin-rule.ts";
import { cooldownReason } from "./cooldown-reason.ts";
import { deliveryReason } from "./delivery-reason.ts";
import { narrowForRepo } from "./narrow-for-repo.ts";
import type { RepoConfigReader } from "./repo-config-reader.ts";
import { toRuleEvent, type RuleEvent } from "./rule-event.ts";
import { webhookEvent, webhookRuleEvent } from "./webhook-rule-event.ts";

export interface ResolveOptions {
  rules: () => readonly Rule[];
  allowList: RepoAllowList;
  deliveries: Pick<DeliveryLog, "startRuleRun">;
  now: () => number;
  /** Repositories' own .github/openwebui-github.yml; absent: the deployment's rules apply as they are. */
  repoConfig?: RepoConfigReader;
  logger?: Logger;
}

/** The stored delivery as rules see it, or the outcome when its payload cannot be read back. */
export function storedEvent(delivery: DeliveryRecord): RuleEvent | DeliveryOutcome {
  if (delivery.event === webhookEvent) return webhookRuleEvent(delivery);
  const event = toRuleEvent(delivery.event, JSON.parse(delivery.payload ?? "null"));
  return typeof event === "string" ? { status: "failed", reason: `stored payload is unusable: ${event}` } : event;
}

/**
 * The rule a stored delivery runs, looked up by name in the rules as they are now, or the outcome
 * that ends it first: automation or a repository GITHUB_REPOS no longer allows (a replay, a long
 * queue), a rule a reload removed, the repository's own file (which may narrow the rule, switch
 * it off, or, while invalid, stop every rule there), or the rule's cooldown on this thread.
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
  const rules = options.rules();
  const found = rules.find((candidate) => candidate.name === name);
  if (!found) return { outcome: { status: "ignored", reason: `rule ${name} is no longer in the config` } };
  // Asked here, not at the door: the door never waits on GitHub.
  const { repoConfig: reader, logger } = options;
  const narrowed = await narrowForRepo(found, event, {
    rules,
    ...(reader ? { reader } : {}),
    ...(logger ? { logger } : {}),
  });
  if ("reason" in narrowed) return { outcome: { status: "ignored", reason: narrowed.reason } };
  const { rule } = narrowed;
  if (rule.cooldown) {
    const now = options.now();
    const turn = `${rule.name}:${event.owner}/${event.repo}`.toLowerCase() + `#${event.number}`;
    const earlier = await options.deliveries.startRuleRun(turn, delivery.key, now, durationMs(rule.cooldown));
    const reason = cooldownReason(rule, earlier, now);
    if (reason) return { outcome: { status: "ignored", reason } };
  }
  return { rule };
}
