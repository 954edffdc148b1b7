import { repoConfigPath } from "../../config/repo-config-schema.ts";
import { parseRepoConfig } from "../../config/parse-repo-config.ts";
import type { Rule } from "../../config/rules-schema.ts";
import type { Logger } from "../../lib/logger.ts";
import { narrowRule } from "./narrow-rule.ts";
import type { RepoConfigReader } from "./repo-config-reader.ts";
import type { RuleEvent } from "./rule-event.ts";

/**
 * The rule as the event's repository narrowed it, or why it does not run. Fails closed: while the
 * repository's file is unusable or invalid, no rule runs there, and the log names every problem.
 * The file is checked against the deployment's rules as they are now, so a reload that drops
 * something the file names makes it invalid at once.
 */
export async function narrowForRepo(
  rule: Rule,
  event: RuleEvent,
  options: { rules: readonly Rule[]; reader?: RepoConfigReader; logger?: Logger },
): Promise<{ rule: Rule } | { reason: string }> {
  if (!options.reader) return { rule };
  const repository = `${event.owner}/${event.repo}`;
  const file = await options.reader.read(event.owner, event.repo);
  if (file.kind === "absent") return { rule };
  const parsed =
    file.kind === "unusable"
      ? { ok: false as const, problems: [file.problem] }
      : parseRepoConfig(file.text, options.rules, repository);
  if (parsed.ok) return narrowRule(rule, parsed.config.rules?.[rule.name], event);
  const { problems } = parsed;
  for (const problem of problems)
    options.logger?.warn("repository config refused: no rule runs there until it is fixed", { repository, problem });
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more in the log)` : "";
  return {
    reason: `${repository}'s ${repoConfigPath} is invalid, so no rule runs there until it is fixed: ${problems[0]}${more}`,
  };
}
