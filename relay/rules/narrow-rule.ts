import type { RuleNarrowing } from "../../config/repo-config-schema.ts";
import { repoConfigPath } from "../../config/repo-config-schema.ts";
import type { Rule } from "../../config/rules-schema.ts";
import type { RuleEvent } from "./rule-event.ts";
import { ruleEvents } from "./rule-reason.ts";

/**
 * The rule as a repository's file narrowed it for this event, or why it does not run here. The
 * narrowing was checked against the rule (config/check-repo-config.ts), so each list is a subset;
 * labels keep the rule's spelling. What the file does not set stays the rule's.
 */
export function narrowRule(
  rule: Rule,
  narrowing: RuleNarrowing | undefined,
  event: RuleEvent,
): { rule: Rule } | { reason: string } {
  if (!narrowing) return { rule };
  const where = `${event.owner}/${event.repo}'s ${repoConfigPath}`;
  if (!narrowing.enabled) return { reason: `rule ${rule.name} is switched off by ${where}` };
  const on = narrowing.on ?? rule.on;
  if (!ruleEvents({ on }).includes(event.name))
    return { reason: `rule ${rule.name}: ${where} limits it to ${ruleEvents({ on }).join(", ")}` };
  const labels = narrowing.labels?.map((l) => l.toLowerCase());
  return {
    rule: {
      ...rule,
      on,
      ...(narrowing.tools ? { tools: narrowing.tools } : {}),
      ...(labels && rule.labels ? { labels: rule.labels.filter((l) => labels.includes(l.toLowerCase())) } : {}),
      ...(narrowing.workflows ? { workflows: narrowing.workflows } : {}),
      ...(narrowing.prompt ? { prompt: narrowing.prompt } : {}),
    },
  };
}
