import type { Env } from "./config-error.ts";
import { configFileSchema, type ConfigFile } from "./config-file-schema.ts";
import { describeConfigIssues } from "./describe-config-issues.ts";
import { channelEnvProblems, notifyProblems } from "./resolve-channels.ts";
import { positionedProblems, readYamlDocument } from "./yaml-document.ts";
import { webhookEnvProblems, webhookRuleProblems } from "./resolve-webhooks.ts";
import { scheduleRepoProblems, scheduleTargetProblems } from "./schedule-schema.ts";

export type ParsedConfigFile = { ok: true; config: ConfigFile } | { ok: false; problems: string[] };

/**
 * Parses and validates the file's text. Each problem is one line, `file:line:column: path: what is
 * wrong and what is expected`, and all of them come at once (config/yaml-document.ts).
 * With `env`, each channel's and webhook's variable must hold its secret (bin/ passes the environment at start).
 */
export function parseConfigFile(text: string, shown: string, env?: Env): ParsedConfigFile {
  const read = readYamlDocument(text, shown);
  if (!read.ok) return read;
  const result = configFileSchema.safeParse(read.data);
  // Names and variables are checked once the shape is right: a misshapen section has nothing to look up.
  const issues = result.success
    ? [
        ...notifyProblems(result.data),
        ...webhookRuleProblems(result.data),
        ...scheduleTargetProblems(result.data),
        ...(env
          ? [
              ...channelEnvProblems(result.data.channels, env),
              ...webhookEnvProblems(result.data.webhooks, env),
              ...scheduleRepoProblems(result.data, env),
            ]
          : []),
      ]
    : describeConfigIssues(result.error.issues, read.data, configFileSchema);
  if (result.success && issues.length === 0) return { ok: true, config: result.data };
  return { ok: false, problems: positionedProblems(read, shown, issues) };
}
