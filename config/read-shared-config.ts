import type { Env } from "./config-error.ts";
import { flag, optionalText, readEnvFields } from "./env-fields.ts";
import { httpTimeoutFields, type HttpTimeouts } from "./http-timeouts.ts";
import { hostField } from "./listen-fields.ts";
import { readGitHubConfig, type GitHubConfig } from "./read-github-config.ts";
import { readRedisConfig, type RedisConfig } from "./read-redis-config.ts";
import { tokenLengthProblem } from "./relay-checks.ts";
import type { CommentTimings, ServerTimings, Timing } from "./timing-contract.ts";

export interface SharedConfig {
  github: GitHubConfig;
  /** Bearer token for GET /metrics; open without one. */
  metricsToken: string | null;
  http: HttpTimeouts;
  dataDir: string;
  /** Set: the shared store in Redis instead of SQLite in dataDir. */
  redis: RedisConfig | null;
  debug: boolean;
  /** The address the services listen on (HOST): loopback unless told otherwise. */
  host: string;
}

const sharedFields = {
  metricsToken: optionalText("METRICS_TOKEN", ""),
  ...httpTimeoutFields,
  dataDir: optionalText("DATA_DIR", "./data"),
  debug: flag("DEBUG", false),
  host: hostField,
};

/**
 * What the relay and the tool server read the same way (GitHub, the store, the
 * HTTP timeouts, METRICS_TOKEN, DEBUG, HOST), with every problem found, and the
 * timings both hand to the timing contract.
 */
export function readSharedConfig(env: Env): {
  shared: SharedConfig;
  problems: string[];
  timings: { comment: CommentTimings; server: ServerTimings };
} {
  const { github, problems: githubProblems } = readGitHubConfig(env);
  const { values: v, problems } = readEnvFields(env, sharedFields);
  const { redis, problems: redisProblems } = readRedisConfig(env);
  const http = { headersTimeoutMs: v.headersTimeoutMs, requestTimeoutMs: v.requestTimeoutMs };
  return {
    shared: {
      github,
      metricsToken: v.metricsToken || null,
      http,
      dataDir: v.dataDir,
      redis,
      debug: v.debug,
      host: v.host,
    },
    problems: [
      ...githubProblems,
      ...problems,
      ...redisProblems,
      ...tokenLengthProblem("METRICS_TOKEN", v.metricsToken, "or leave it empty to serve /metrics without a token"),
    ],
    timings: {
      comment: {
        githubRequest: commentRequestTimings(github),
        commentBudgetWait: ["GITHUB_COMMENT_BUDGET_WAIT_MS", github.commentBudgetWaitMs],
        commentLock: ["GITHUB_COMMENT_LOCK_MS", github.commentLockMs],
      },
      server: {
        headersTimeout: ["HTTP_HEADERS_TIMEOUT_MS", v.headersTimeoutMs],
        requestTimeout: ["HTTP_REQUEST_TIMEOUT_MS", v.requestTimeoutMs],
      },
    },
  };
}

/**
 * The longest a comment's GitHub request can take: each attempt's timeout, and the rate-limit waits
 * sat out between attempts (creating a comment is never retried after a 5xx: it may exist).
 */
function commentRequestTimings({ timeoutMs, retry }: GitHubConfig): Timing[] {
  const { rateLimitRetries: retries, maxRateLimitWaitMs: wait } = retry;
  if (retries === 0) return [["GITHUB_TIMEOUT_MS", timeoutMs]];
  return [
    ["GITHUB_TIMEOUT_MS × (1 + GITHUB_RATE_LIMIT_RETRIES)", timeoutMs * (1 + retries)],
    ["GITHUB_RATE_LIMIT_RETRIES × GITHUB_RATE_LIMIT_MAX_WAIT_MS", retries * wait],
  ];
}
