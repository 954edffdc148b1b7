import type { Env } from "./config-error.ts";
import { integer, list, readEnvFields, requiredText, throwProblems } from "./env-fields.ts";
import { readSharedConfig, type SharedConfig } from "./read-shared-config.ts";
import { readOAuthConfig, type OAuthConfig } from "./read-oauth-config.ts";
import { timingProblems } from "./timing-contract.ts";

export interface ToolServerConfig extends SharedConfig {
  port: number;
  apiKey: string;
  corsOrigins: string[];
  /** How long a person's comment waits for the token's comment budget before the model is told to try later. */
  commentBudgetWaitMs: number;
  /** The OAuth connection mode (people act with their own GitHub token); null when off. */
  oauth: OAuthConfig | null;
}

const toolServerFields = {
  port: integer("TOOL_SERVER_PORT", 8087, { min: 0, max: 65_535 }),
  apiKey: requiredText(
    "TOOL_SERVER_API_KEY",
    "set a long random key (e.g. openssl rand -hex 32) and give the same key to the tool server connection in Open WebUI",
  ),
  corsOrigins: list("TOOL_SERVER_CORS_ORIGINS"),
  // A person is waiting in the chat, and Open WebUI's tool call with them.
  commentBudgetWaitMs: integer("TOOL_SERVER_COMMENT_BUDGET_WAIT_MS", 10_000, { min: 0, max: 600_000 }),
};

function corsProblems(origins: string[]): string[] {
  return origins
    .filter((origin) => origin !== "*" && !/^https?:\/\/[^/\s]+$/.test(origin))
    .map(
      (origin) =>
        `TOOL_SERVER_CORS_ORIGINS has "${origin}": give origins like https://chat.example.com, comma-separated, without a path`,
    );
}

/** Reads and checks every tool server variable; throws a ConfigError naming each bad one. */
export function loadToolServerConfig(env: Env): Readonly<ToolServerConfig> {
  const { values: v, problems: own } = readEnvFields(env, toolServerFields);
  const { shared, problems, timings } = readSharedConfig(env);
  const { oauth, problems: oauthProblems } = readOAuthConfig(env);
  const all = [...own, ...problems, ...oauthProblems];
  if (v.apiKey && v.apiKey.length < 16)
    all.push("TOOL_SERVER_API_KEY is too short: use at least 16 random characters (e.g. openssl rand -hex 32)");
  all.push(...corsProblems(v.corsOrigins), ...timingProblems(timings));
  throwProblems(all);
  return Object.freeze({
    ...shared,
    port: v.port,
    apiKey: v.apiKey,
    corsOrigins: v.corsOrigins,
    commentBudgetWaitMs: v.commentBudgetWaitMs,
    oauth,
  });
}
