import type { Rule } from "../../config/rules-schema.ts";
import type { NewDelivery } from "../../store/delivery-log.ts";
import { ruleEvents } from "../rules/rule-reason.ts";
import { webhookEvent } from "../rules/webhook-rule-event.ts";

/**
 * What is stored of one signed webhook: a pending delivery per rule on `webhook.<name>`, under a
 * key made of the rule and the `webhook-id` (the sender's idempotency key, so a retry or a replay
 * of the same id runs nothing twice), with the rule's repository and target issue; else one
 * ignored record saying no rule listens. The body is kept as it was signed, as a GitHub payload is.
 */
export function webhookRecords(name: string, webhookId: string, json: string, rules: readonly Rule[]): NewDelivery[] {
  const eventName = `${webhookEvent}.${name}`;
  const common = { deliveryId: webhookId, event: webhookEvent, action: name };
  const listening = rules.filter((rule) => ruleEvents(rule).includes(eventName));
  if (listening.length === 0)
    return [{ ...common, key: `${eventName}:${webhookId}`, status: "ignored", reason: `no rule for ${eventName}` }];
  return listening.flatMap((rule) => {
    // The schema insists on both; a rule without them cannot say where to write, so it runs nothing.
    const repository = rule.repos?.[0];
    const issueNumber = rule.target && "issue" in rule.target ? rule.target.issue : undefined;
    if (!repository || issueNumber === undefined) return [];
    return [
      {
        ...common,
        key: `${rule.name}:${eventName}/${webhookId}`,
        status: "pending" as const,
        rule: rule.name,
        repository,
        issueNumber,
        payload: json,
      },
    ];
  });
}
