import { Octokit } from "@octokit/rest";
import type { Logger } from "../lib/logger.ts";
import { createGitHubPacer, defaultPacing, writeKind, type GitHubPacer, type Pacing } from "./github-pacer.ts";
import { observeRateLimit } from "./observe-rate-limit.ts";
import { octokitOptions } from "./octokit-options.ts";
import { createInstallationAuth } from "./installation-auth.ts";
import { paceAndRetry } from "./pace-and-retry.ts";
import type { GitHubConfig } from "../config/read-github-config.ts";

/**
 * What tests (and only tests) change about the client: the network, and waits
 * shortened; and which client to build (the bench measures two side by side).
 */
export type GitHubClientTuning = Pick<GitHubClientOptions, "fetch" | "retry" | "pacing" | "pacer" | "onRateLimit"> & {
  createClient?: (options: GitHubClientOptions) => Octokit;
};

/** A client for a service's GitHub settings, authenticated as `auth` says. */
function clientFor(
  config: GitHubConfig,
  logger: Logger,
  tuning: GitHubClientTuning,
  auth: Pick<GitHubClientOptions, "app" | "authStrategy"> & { token?: string },
): Octokit {
  const { createClient = createGitHubClient, ...rest } = tuning;
  const { retries, baseDelayMs, rateLimitRetries, maxRateLimitWaitMs } = config.retry;
  return createClient({
    token: "",
    baseUrl: config.apiUrl,
    timeoutMs: config.timeoutMs,
    retry: { retries, baseDelayMs },
    rateLimitRetries,
    maxRateLimitWaitMs,
    logger,
    ...rest,
    ...auth,
  });
}

/** A client that authenticates as the GitHub App itself (a JWT per request), for /app endpoints. */
export function appClientFor(
  config: GitHubConfig,
  app: { id: number; privateKey: string },
  logger: Logger,
  tuning: GitHubClientTuning = {},
): Octokit {
  return clientFor(config, logger, tuning, { app });
}

/**
 * The client for a service's GitHub settings: with GITHUB_TOKEN, that token;
 * as a GitHub App, each repository's installation token (see installation-auth.ts).
 */
export function githubClientFor(config: GitHubConfig, logger: Logger, tuning: GitHubClientTuning = {}): Octokit {
  return repositoryClientFor(config, logger, tuning).github;
}

/**
 * The same client, and as a GitHub App which installation serves a repository: the lookup its
 * installation tokens are asked with (one per repository, cached), so naming a repository's
 * comment budget costs no call of its own.
 */
export function repositoryClientFor(
  config: GitHubConfig,
  logger: Logger,
  tuning: GitHubClientTuning = {},
): { github: Octokit; installationFor?: (owner: string, repo: string) => Promise<number> } {
  if (!config.app) return { github: clientFor(config, logger, tuning, { token: config.token }) };
  // The app's own JWT requests count against the app, not against the installations the metrics follow.
  const { onRateLimit: _installationsOnly, ...appTuning } = tuning;
  const appClient = appClientFor(config, config.app, logger, appTuning);
  const installations = createInstallationAuth({ app: config.app, appClient, logger });
  const github = clientFor(config, logger, tuning, { authStrategy: installations.strategy });
  return { github, installationFor: installations.installationFor };
}

export interface GitHubClientOptions {
  token: string;
  baseUrl: string;
  timeoutMs: number;
  logger: Logger;
  fetch?: typeof fetch;
  /** How many times a rate-limited request is retried after waiting. */
  rateLimitRetries?: number;
  /** The longest rate-limit wait sat out inside a request (a minute); a longer one fails the request at once. */
  maxRateLimitWaitMs?: number;
  /** Retries of 5xx and network failures; tests shorten the wait. */
  retry?: { retries: number; baseDelayMs: number };
  /**
   * Spacing of writes. GitHub asks for at least 1 s between writes, and
   * notification-creating writes (comments) are spaced by 3 s: those defaults
   * unless tests shorten them. Ignored when `pacer` is given.
   */
  pacing?: Pacing;
  /** The pace to keep, shared by every client of one integration (the composition root builds one). */
  pacer?: GitHubPacer;
  /** Authenticate as a GitHub App (JWT) instead of with the token. */
  app?: { id: number; privateKey: string };
  /** Told GitHub's `x-ratelimit-remaining` (and its resource) on every response that has it, for the metrics. */
  onRateLimit?: (resource: string, remaining: number) => void;
  /** Another Octokit auth strategy (a GitHub App's installation tokens) instead of the token. */
  authStrategy?: () => unknown;
}

/**
 * Octokit with GitHub's recommended pacing and retries (pace-and-retry.ts).
 * @octokit/rest has neither on its own, and no request timeout either, so one
 * is added here, for each attempt. Octokit's throttling and retry plugins do
 * the same, but their Bottleneck queues wait on timers several times for each
 * request: `npm run bench` measures both clients side by side, in relay runs.
 */
export function createGitHubClient(options: GitHubClientOptions): Octokit {
  const baseFetch = options.fetch ?? fetch;
  const pacer = options.pacer ?? createGitHubPacer(options.pacing ?? defaultPacing);
  const basePath = new URL(options.baseUrl).pathname.replace(/\/$/, "");
  // Writes spaced, then a few requests at a time (GitHub asks for requests in series), each with its own timeout.
  // Spaced here, as each attempt leaves, so what runs before the fetch (a token, a hook) cannot narrow the gap.
  const timedFetch: typeof fetch = async (input, init) => {
    const write = writeKind(
      init?.method ?? "GET",
      new URL(input instanceof Request ? input.url : String(input)).pathname.slice(basePath.length),
    );
    if (write) await pacer.beforeWrite(write === "notifying");
    const release = await pacer.request();
    try {
      return await baseFetch(input, {
        ...init,
        signal: init?.signal
          ? AbortSignal.any([init.signal, AbortSignal.timeout(options.timeoutMs)])
          : AbortSignal.timeout(options.timeoutMs),
      });
    } finally {
      release();
    }
  };

  const octokit = new Octokit({
    ...octokitOptions(options, timedFetch),
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => options.logger.warn(message),
      error: (message: string) => options.logger.error(message),
    },
  });
  // Registered after the auth strategy's hook, so it wraps it: a retry asks for its token again.
  const policy = paceAndRetry({
    pacer,
    retries: options.retry?.retries ?? 3,
    baseDelayMs: options.retry?.baseDelayMs ?? 1_000,
    rateLimitRetries: options.rateLimitRetries ?? 2,
    maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 60_000,
    logger: options.logger,
  });
  octokit.hook.wrap("request", (request, requestOptions) => policy(request, requestOptions));
  observeRateLimit(octokit, options.logger, options.onRateLimit);
  return octokit;
}
