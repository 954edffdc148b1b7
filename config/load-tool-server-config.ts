import type { Env } from "./config-error.ts";
import type { RedisConfig } from "./read-redis-config.ts";
import { flag, integer, list, optionalText, readEnvFields, requiredText, throwProblems } from "./env-fields.ts";
import { httpTimeoutFields, type HttpTimeouts } from "./http-timeouts.ts";
import { readGitHubConfig, type GitHubConfig } from "./read-github-config.ts";
import { readRedisConfig } from "./read-redis-config.ts";
import { tokenLengthProblem } from "./relay-checks.ts";
import { timingProblems } from "./timing-contract.ts";

export interface ToolServerConfig {
  port: number;
  apiKey: string;
  /** Bearer token for GET /metrics; open without one. */
  metricsToken: string | null;
  github: GitHubConfig;
  corsOrigins: string[];
  http: HttpTimeouts;
  dataDir: string;
  /** Set: the shared store in Redis instead of SQLite in dataDir. */
  redis: RedisConfig | null;
  debug: boolean;
}

const headFields = {
  port: integer("TOOL_SERVER_PORT", 8087, { min: 0, max: 65_535 }),
  apiKey: requiredText("TOOL_SERVER_API_KEY", "set a long random key (e.g. openssl rand -hex 32) and give the same key to the tool server connection in Open WebUI"),
  metricsToken: optionalText("METRICS_TOKEN", ""),
};

const toolServerFields = {
  corsOrigins: list("TOOL_SERVER_CORS_ORIGINS"),
  ...httpTimeoutFields,
  dataDir: optionalText("DATA_DIR", "./data"),
};

/** Reads and checks every tool server variable; throws a ConfigError naming each bad one. */
export function loadToolServerConfig(env: Env): Readonly<ToolServerConfig> {
  const head = readEnvFields(env, headFields);
  const { github, problems: githubProblems } = readGitHubConfig(env);
  const { values: v, problems } = readEnvFields(env, toolServerFields);
  const { redis, problems: redisProblems } = readRedisConfig(env);
  const debug = readEnvFields(env, { debug: flag("DEBUG", false) });
  const all = [...head.problems, ...githubProblems, ...problems, ...redisProblems, ...debug.problems];
  if (head.values.apiKey && head.values.apiKey.length < 16) all.push("TOOL_SERVER_API_KEY is too short: use at least 16 random characters (e.g. openssl rand -hex 32)");
  all.push(...tokenLengthProblem("METRICS_TOKEN", head.values.metricsToken, "or leave it empty to serve /metrics without a token"));
  for (const origin of v.corsOrigins) {
    if (origin !== "*" && !/^https?:\/\/[^/\s]+$/.test(origin)) all.push(`TOOL_SERVER_CORS_ORIGINS has "${origin}": give origins like https://chat.example.com, comma-separated, without a path`);
  }
  all.push(
    ...timingProblems({
      comment: { githubRequest: ["GITHUB_TIMEOUT_MS", github.timeoutMs], commentBudgetWait: ["GITHUB_COMMENT_BUDGET_WAIT_MS", github.commentBudgetWaitMs], commentLock: ["GITHUB_COMMENT_LOCK_MS", github.commentLockMs] },
      server: { headersTimeout: ["HTTP_HEADERS_TIMEOUT_MS", v.headersTimeoutMs], requestTimeout: ["HTTP_REQUEST_TIMEOUT_MS", v.requestTimeoutMs] },
    }),
  );
  throwProblems(all);
  return Object.freeze({
    port: head.values.port,
    apiKey: head.values.apiKey,
    metricsToken: head.values.metricsToken || null,
    github,
    corsOrigins: v.corsOrigins,
    http: { headersTimeoutMs: v.headersTimeoutMs, requestTimeoutMs: v.requestTimeoutMs },
    dataDir: v.dataDir,
    redis,
    debug: debug.values.debug,
  });
}
