import type { Rule } from "../../config/rules-schema.ts";
import type { RuleEvent } from "./rule-event.ts";

/**
 * The key one run of a rule is stored and deduplicated under, from the signed payload only
 * (never the delivery id, an unsigned header: issue 16): one run per rule and issue or pull
 * request, per head commit for pull request events, per comment or review for text a person
 * wrote, per label for issues.labeled. Rule names hold no ':', '#', '@' or '/', so keys never collide.
 */
export function runKeyFor(rule: Pick<Rule, "name">, event: RuleEvent): string {
  // GitHub's names are case-insensitive.
  let key = `${rule.name}:${event.owner}/${event.repo}`.toLowerCase() + `#${event.number}`;
  if (event.text) key += `/${event.text.kind}:${event.text.id}`;
  else if (event.addedLabel !== null) key += `/label:${event.addedLabel.toLowerCase()}`;
  else if (event.kind === "pr" && event.headSha) key += `@${event.headSha.toLowerCase()}`;
  return key;
}
