import type { Rule } from "../../config/rules-schema.ts";
import type { RunRule } from "../../store/run-store.ts";

/** What a run keeps of its rule: the settings the tool server enforces on the run's tool calls. */
export function runRuleOf(rule: Rule): RunRule {
  return {
    name: rule.name,
    mode: rule.mode,
    tools: rule.tools ?? null,
    labels: rule.labels ?? [],
    workflows: rule.workflows ?? [],
    maxComments: rule.max_comments,
    maxLabels: rule.max_labels ?? null,
    comment: rule.comment,
  };
}
