import { describeConfigIssues, type ConfigIssue } from "./describe-config-issues.ts";
import { repoConfigProblems } from "./check-repo-config.ts";
import { repoConfigPath, repoConfigSchema, type RepoConfig } from "./repo-config-schema.ts";
import type { Rule } from "./rules-schema.ts";
import { positionedProblems, readYamlDocument } from "./yaml-document.ts";

export type ParsedRepoConfig = { ok: true; config: RepoConfig } | { ok: false; problems: string[] };

/**
 * A repository's .github/openwebui-github.yml, checked for its shape and then against the
 * deployment's rules as they are now: each problem is `.github/openwebui-github.yml:line:column:
 * path: what is wrong`, all at once, as the deployment's own file reports them.
 */
export function parseRepoConfig(text: string, rules: readonly Rule[], repository: string): ParsedRepoConfig {
  const read = readYamlDocument(text, repoConfigPath);
  if (!read.ok) return read;
  const result = repoConfigSchema.safeParse(read.data);
  const issues = result.success
    ? repoConfigProblems(result.data, rules, repository)
    : describeConfigIssues(result.error.issues, read.data, repoConfigSchema).map(explainWidening);
  if (result.success && issues.length === 0) return { ok: true, config: result.data };
  return { ok: false, problems: positionedProblems(read, repoConfigPath, issues) };
}

// Keys of the deployment's file a repository might expect to set: why they are refused, not only that.
const deploymentOnly: Record<string, string> = {
  repos:
    "a repository's file applies to its own repository only; which repositories a rule runs in is the deployment's",
  model: "the model is the deployment's to choose",
  mode: "the mode is the deployment's to choose",
  if: "a rule's conditions are the deployment's",
};

function explainWidening(issue: ConfigIssue): ConfigIssue {
  const key = String(issue.path.at(-1));
  if (!issue.atKey || !Object.hasOwn(deploymentOnly, key)) return issue;
  return { ...issue, message: `${deploymentOnly[key]} (${issue.message})` };
}
