import type { DeliveryRecord } from "../../store/delivery-log.ts";
import type { DeliveryOutcome } from "../../store/delivery-queue.ts";
import type { RulePerson, RuleEvent } from "./rule-event.ts";

/** What a signed webhook (POST /webhook/in/<name>) is stored as: event `webhook`, action `<name>`. */
export const webhookEvent = "webhook";

const nobody: RulePerson = { login: null, association: null, isBot: false, typeBot: false, viaApp: false };

export function isWebhookRuleEvent(event: Pick<RuleEvent, "name">): boolean {
  return event.name.startsWith(`${webhookEvent}.`);
}

/**
 * A stored webhook delivery as rules see it. Its repository and issue are the rule's (`repos:` and
 * `target:`, set by the door), never the body's; `body` is the JSON the sender signed, for the
 * prompt's `{{payload}}`. No person wrote it, so no author or bot check applies.
 */
export function webhookRuleEvent(delivery: DeliveryRecord): RuleEvent | DeliveryOutcome {
  const [owner, repo] = (delivery.repository ?? "").split("/");
  if (!owner || !repo || delivery.issueNumber === null || !delivery.action || delivery.payload === null)
    return { status: "failed", reason: "stored webhook delivery has no repository, issue, name or body" };
  let body: string;
  try {
    body = JSON.stringify(JSON.parse(delivery.payload), null, 2);
  } catch {
    return { status: "failed", reason: "stored webhook body is not JSON" };
  }
  return {
    name: `${webhookEvent}.${delivery.action}`,
    owner,
    repo,
    number: delivery.issueNumber,
    kind: "issue",
    sender: nobody,
    author: nobody,
    text: null,
    labels: [],
    addedLabel: null,
    draft: null,
    title: `webhook ${delivery.action} ${delivery.deliveryId}`,
    body,
    headSha: null,
    changedPaths: null,
    mentions: [],
    createdAt: null,
  };
}
