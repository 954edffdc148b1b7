import { globProblem } from "../lib/path-glob.ts";
import { patternProblem } from "../lib/safe-pattern.ts";
import { promptFields, unknownPlaceholders } from "./prompt-fields.ts";
import { scheduleProblems } from "./schedule-schema.ts";
import { webhookRuleProblems } from "./webhook-rule-problems.ts";

export type Ctx = { addIssue(issue: { code: "custom"; message: string; path: PropertyKey[] }): void };
export const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** What a schema cannot say field by field: patterns RE2 accepts, known placeholders, usable globs. */
export function ruleProblems(rule: Record<string, unknown>, ctx: Ctx): void {
  const prefix = text(rule.name) ? `rule "${rule.name}"` : "this rule";
  const add = (message: string, path: PropertyKey[]) =>
    ctx.addIssue({ code: "custom", message: `${prefix}: ${message}`, path });
  scheduleProblems(rule as Record<string, unknown>, add);
  const conditions = (typeof rule.if === "object" && rule.if !== null ? rule.if : {}) as Record<string, unknown>;
  for (const key of ["title_matches", "body_matches"]) {
    const source = text(conditions[key]);
    const problem = source === undefined ? null : patternProblem(source);
    if (problem) add(`${key} ${JSON.stringify(source)} is not a valid pattern: ${problem}`, ["if", key]);
  }
  const paths = Array.isArray(conditions.paths) ? (conditions.paths as unknown[]) : [];
  paths.forEach((glob, index) => {
    const problem = typeof glob === "string" ? globProblem(glob) : null;
    if (problem) add(problem, ["if", "paths", index]);
  });
  for (const name of unknownPlaceholders(text(rule.prompt) ?? ""))
    add(`the prompt uses {{${name}}}, which is not a field; use one of ${Object.keys(promptFields).join(", ")}`, [
      "prompt",
    ]);
  for (const problem of webhookRuleProblems(rule)) add(problem.message, problem.path);
}
