import type { ConfigIssue } from "./describe-config-issues.ts";
import type { RepoConfig, RuleNarrowing } from "./repo-config-schema.ts";
import type { Rule } from "./rules-schema.ts";

/**
 * What a repository's file asks that the deployment does not allow it: a rule the deployment does
 * not have or does not run in this repository, or an event, tool, label or workflow the rule does
 * not list. A list the rule leaves out allows nothing to narrow to (labels and workflows: none
 * may be applied; tools: the rule does not say which), so the repository cannot name any.
 */
export function repoConfigProblems(config: RepoConfig, rules: readonly Rule[], repository: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, narrowing] of Object.entries(config.rules ?? {})) {
    const rule = rules.find((candidate) => candidate.name === name);
    const at = (path: PropertyKey[], message: string, atKey = false) =>
      issues.push({ path: ["rules", name, ...path], atKey, message });
    if (!rule) {
      const names = rules.map((r) => r.name).join(", ") || "none";
      at(
        [],
        `the deployment has no rule "${name}"; a repository narrows the deployment's rules only (they are: ${names})`,
        true,
      );
      continue;
    }
    if (!runsIn(rule, repository)) {
      at(
        [],
        `rule "${name}" does not run in ${repository} (its repos: ${rule.repos!.join(", ")}), so it cannot be narrowed here`,
        true,
      );
      continue;
    }
    for (const field of ["on", "tools", "labels", "workflows"] as const) subsetProblems(rule, narrowing, field, at);
  }
  return issues;
}

type At = (path: PropertyKey[], message: string) => void;

const nouns = { on: "event", tools: "tool", labels: "label", workflows: "workflow" } as const;

function subsetProblems(rule: Rule, narrowing: RuleNarrowing, field: keyof typeof nouns, at: At): void {
  const asked = listOf(narrowing[field]);
  if (asked === null) return;
  const allowed = listOf(rule[field]);
  const noun = nouns[field];
  if (allowed === null) {
    if (asked.length > 0)
      at(
        [field],
        `rule "${rule.name}" lists no ${field}: in the deployment's file, so a repository cannot allow any ${noun}`,
      );
    return;
  }
  // Labels are matched as GitHub does, regardless of case; the rest are exact names.
  const same = (a: string, b: string) => (field === "labels" ? a.toLowerCase() === b.toLowerCase() : a === b);
  asked.forEach((value, index) => {
    if (allowed.some((a) => same(a, value))) return;
    const path = Array.isArray(narrowing[field]) ? [field, index] : [field];
    at(
      path,
      `${noun} "${value}" is not one the deployment's rule "${rule.name}" allows (${allowed.join(", ") || "none"}); a repository can only narrow`,
    );
  });
}

function listOf(value: string | readonly string[] | undefined): readonly string[] | null {
  if (value === undefined) return null;
  return typeof value === "string" ? [value] : value;
}

function runsIn(rule: Rule, repository: string): boolean {
  if (!rule.repos) return true;
  const [owner, repo] = repository.toLowerCase().split("/");
  return rule.repos.some((entry) => {
    const [o, r] = entry.toLowerCase().split("/");
    return o === owner && (r === "*" || r === repo);
  });
}
