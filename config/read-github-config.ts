import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseRepoAllowList, type RepoAllowList } from "../github/repo-allow-list.ts";
import type { Env } from "./config-error.ts";
import { httpUrl, integer, list, optionalText, readEnvFields } from "./env-fields.ts";

/** A GitHub App's credentials: the services then act with an installation token per repository. */
export interface GitHubAppCredentials {
  id: number;
  privateKey: string;
}

export interface GitHubConfig {
  /** The personal token; empty when the services act as a GitHub App. */
  token: string;
  /** Set when acting as a GitHub App (GITHUB_APP_ID and its private key) instead of with GITHUB_TOKEN. */
  app: GitHubAppCredentials | null;
  apiUrl: string;
  allowList: RepoAllowList;
  timeoutMs: number;
  /** GitHub's content-creation limits per token; every comment takes one slot. */
  commentLimits: Array<{ max: number; windowMs: number }>;
  /** How long a run's comment waits for that budget before its delivery is retried later. */
  commentBudgetWaitMs: number;
  /** The lock that keeps two runs of one delivery from both commenting; it outlives the budget wait. */
  commentLockMs: number;
  /** The login our comments are posted as, when given (GITHUB_BOT_LOGIN); asked of GitHub otherwise. */
  botLogin: string | null;
  /**
   * Inside one request: retries of 5xx answers and network failures (retry n waits n² × baseDelayMs;
   * never for creating a comment, which is not idempotent), and of rate-limited answers, each after
   * the wait GitHub names if it is at most maxRateLimitWaitMs (a longer one goes back to the caller).
   */
  retry: { retries: number; baseDelayMs: number; rateLimitRetries: number; maxRateLimitWaitMs: number };
}

// Three groups, read in this order, so problems are listed as a reader meets the variables.
const identityFields = {
  appId: optionalText("GITHUB_APP_ID", ""),
  inlineKey: optionalText("GITHUB_APP_PRIVATE_KEY", ""),
  keyFile: optionalText("GITHUB_APP_PRIVATE_KEY_FILE", ""),
  token: optionalText("GITHUB_TOKEN", ""),
};
const apiFields = {
  apiUrl: httpUrl(
    "GITHUB_API_URL",
    "https://api.github.com",
    "use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server",
  ),
  repos: list("GITHUB_REPOS"),
  botLogin: optionalText("GITHUB_BOT_LOGIN", ""),
};
const limitFields = {
  timeoutMs: integer("GITHUB_TIMEOUT_MS", 30_000, { min: 1_000, max: 600_000 }),
  perMinute: integer("GITHUB_COMMENTS_PER_MINUTE", 80, { min: 1, max: 10_000 }),
  perHour: integer("GITHUB_COMMENTS_PER_HOUR", 500, { min: 1, max: 100_000 }),
  // Under the 10-minute completion a run's comment is posted in; see config/timing-contract.ts.
  commentBudgetWaitMs: integer("GITHUB_COMMENT_BUDGET_WAIT_MS", 240_000, { min: 0, max: 3_600_000 }),
  commentLockMs: integer("GITHUB_COMMENT_LOCK_MS", 480_000, { min: 1_000, max: 7_200_000 }),
};
const retryFields = {
  retries: integer("GITHUB_RETRIES", 3, { min: 0, max: 10 }),
  baseDelayMs: integer("GITHUB_RETRY_BASE_MS", 1_000, { min: 1, max: 60_000 }),
  rateLimitRetries: integer("GITHUB_RATE_LIMIT_RETRIES", 2, { min: 0, max: 10 }),
  maxRateLimitWaitMs: integer("GITHUB_RATE_LIMIT_MAX_WAIT_MS", 60_000, { min: 0, max: 3_600_000 }),
};

/** GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE; null when none of them is set. */
function appCredentials(id: string, inlineKey: string, file: string, problems: string[]): GitHubAppCredentials | null {
  // Environment files often hold the PEM on one line with \n escapes.
  const inline = inlineKey.replace(/\\n/g, "\n");
  if (!id && !inline && !file) return null;
  if (!/^\d{1,12}$/.test(id))
    problems.push(`GITHUB_APP_ID must be the app's numeric id (on its settings page, "App ID"), got "${id}"`);
  if (inline && file)
    problems.push("GITHUB_APP_PRIVATE_KEY and GITHUB_APP_PRIVATE_KEY_FILE are both set: give the key one way only");
  let privateKey = inline;
  let source = "GITHUB_APP_PRIVATE_KEY";
  if (!inline && file) {
    source = "GITHUB_APP_PRIVATE_KEY_FILE";
    try {
      privateKey = readFileSync(file, "utf8");
    } catch (error) {
      problems.push(
        `GITHUB_APP_PRIVATE_KEY_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}): give the path of the .pem file GitHub generated for the app`,
      );
      return null;
    }
  }
  if (!privateKey) {
    problems.push(
      "GITHUB_APP_PRIVATE_KEY is missing: set it to the app's private key (PEM, \\n escapes allowed), or set GITHUB_APP_PRIVATE_KEY_FILE to the .pem file's path",
    );
    return null;
  }
  // Checked now, so a truncated or mangled key is a config error, not a 401 on the first webhook.
  let valid = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey);
  try {
    valid &&= createPrivateKey(privateKey).asymmetricKeyType === "rsa";
  } catch {
    valid = false;
  }
  // Never echo the key itself.
  if (!valid)
    problems.push(
      `${source} is not an RSA private key in PEM form: use the .pem file GitHub generated for the app (in an .env value, \\n escapes for line breaks)`,
    );
  return { id: Number(id), privateKey };
}

/** The GitHub variables both services share, read the same way in both; problems are returned, not thrown. */
export function readGitHubConfig(env: Env): { github: GitHubConfig; problems: string[] } {
  const identity = readEnvFields(env, identityFields);
  const problems = identity.problems;
  const app = appCredentials(identity.values.appId, identity.values.inlineKey, identity.values.keyFile, problems);
  const { token } = identity.values;
  // One identity per deployment: with both, which one posts would be a guess.
  if (token && app)
    problems.push(
      "GITHUB_TOKEN and GITHUB_APP_ID are both set: act either with a token or as a GitHub App, so unset one of them",
    );
  if (!token && !app) {
    problems.push(
      "GITHUB_TOKEN is missing: create a fine-grained token with Issues read/write on the chosen repositories and set GITHUB_TOKEN, or run as a GitHub App with GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY",
    );
  }
  const api = readEnvFields(env, apiFields);
  problems.push(...api.problems);
  if (api.values.repos.length === 0)
    problems.push(
      "GITHUB_REPOS is missing: list the repositories the AI may act on, e.g. GITHUB_REPOS=my-org/app,my-org/*",
    );
  const { allowList, problems: repoProblems } = parseRepoAllowList(api.values.repos);
  for (const problem of repoProblems)
    problems.push(`GITHUB_REPOS has an invalid entry: ${problem}; use owner/repo or owner/*, comma-separated`);
  const { values, problems: limitProblems } = readEnvFields(env, limitFields);
  const retry = readEnvFields(env, retryFields);
  problems.push(...limitProblems, ...retry.problems);
  const github: GitHubConfig = {
    token,
    app,
    apiUrl: api.values.apiUrl,
    allowList,
    timeoutMs: values.timeoutMs,
    commentLimits: [
      { max: values.perMinute, windowMs: 60_000 },
      { max: values.perHour, windowMs: 3_600_000 },
    ],
    commentBudgetWaitMs: values.commentBudgetWaitMs,
    commentLockMs: values.commentLockMs,
    botLogin: api.values.botLogin || null,
    retry: retry.values,
  };
  return { github, problems };
}
