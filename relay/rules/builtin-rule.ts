import { ruleSchema, type Rule } from "../../config/rules-schema.ts";

/**
 * The one rule when the config file has no `rules:`: today's behaviour. Every `issues.opened` in
 * GITHUB_REPOS, from anyone but a bot or the relay itself, gets one comment written with the
 * prompt in relay/build-prompt.ts (its `systemPrompt` and `buildIssueMessage`), the model of
 * AI_MODEL and the tool server's get_issue and post_issue_comment. It is named after the event so
 * its run key is the one relay/run-key.ts gave these deliveries before rules existed: deliveries
 * stored before an upgrade do not run again.
 */
export const builtinRule: Rule = Object.freeze(
  ruleSchema.parse({
    name: "issues.opened",
    on: "issues.opened",
    tools: ["get_issue", "post_issue_comment"],
    mode: "act",
    comment: "new",
    max_comments: 1,
  }),
);

/** The rules a deployment runs: the config file's `rules:` (an empty list runs nothing), else the built-in one. */
export function effectiveRules(configured: readonly Rule[] | undefined): readonly Rule[] {
  return configured ?? [builtinRule];
}
