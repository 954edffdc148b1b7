import { LineCounter, parseDocument } from "yaml";
import type { Env } from "./config-error.ts";
import { configFileSchema, type ConfigFile } from "./config-file-schema.ts";
import { describeConfigIssues } from "./describe-config-issues.ts";
import { channelEnvProblems, notifyProblems } from "./resolve-channels.ts";
import { scheduleRepoProblems, scheduleTargetProblems } from "./schedule-schema.ts";
import { pathText, yamlPosition } from "./yaml-position.ts";

export type ParsedConfigFile = { ok: true; config: ConfigFile } | { ok: false; problems: string[] };

/**
 * Parses and validates the file's text. Each problem is one line, `file:line:column: path: what is
 * wrong and what is expected`, and all of them come at once. A file that is not valid YAML reports
 * only its syntax errors: checking the shape of a half-read document would report what is not there.
 * With `env`, each channel's variable must hold its secret (bin/ passes the environment at start).
 */
export function parseConfigFile(text: string, shown: string, env?: Env): ParsedConfigFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const { line, col } = error.linePos?.[0] ?? { line: 1, col: 1 };
        return `${shown}:${line}:${col}: YAML syntax: ${firstLine(error.message)}`;
      }),
    };
  }
  let data: unknown;
  try {
    // An empty file (or one of comments only) has no sections.
    data = doc.contents === null ? {} : doc.toJS();
  } catch (error) {
    // Too many aliases (the "billion laughs"), or an alias to nothing.
    return { ok: false, problems: [`${shown}:1:1: YAML: ${firstLine((error as Error).message)}`] };
  }
  const result = configFileSchema.safeParse(data);
  // Names and variables are checked once the shape is right: a misshapen section has nothing to look up.
  const issues = result.success
    ? [
        ...notifyProblems(result.data),
        ...scheduleTargetProblems(result.data),
        ...(env ? channelEnvProblems(result.data.channels, env) : []),
        ...(env ? scheduleRepoProblems(result.data, env) : []),
      ]
    : describeConfigIssues(result.error.issues, data, configFileSchema);
  if (result.success && issues.length === 0) return { ok: true, config: result.data };
  const problems = issues
    .map((issue) => ({ ...issue, ...yamlPosition(doc, lines, issue.path, issue.atKey) }))
    // In the order of the file, as an editor shows them.
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .map((issue) => `${shown}:${issue.line}:${issue.col}: ${pathText(issue.path)}: ${issue.message}`);
  return { ok: false, problems: [...new Set(problems)] };
}

/** yaml's messages end with "at line L, column C:" and a picture of the line; the position is given already. */
function firstLine(message: string): string {
  return message
    .split("\n")[0]!
    .replace(/ at line \d+, column \d+:?$/, "")
    .trim();
}
