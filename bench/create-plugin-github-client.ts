// The GitHub client built on Octokit's throttling and retry plugins, configured to behave as the
// hand-made one (github/create-github-client.ts) wherever the plugins can. Production uses the
// hand-made one; `npm run bench` keeps this one to measure the two side by side (github-client-bench.ts).
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import Bottleneck from "bottleneck";
import type { GitHubClientOptions } from "../github/create-github-client.ts";
import { createGitHubPacer, defaultPacing, writeKind } from "../github/github-pacer.ts";
import { observeRateLimit } from "../github/observe-rate-limit.ts";
import { octokitOptions } from "../github/octokit-options.ts";
import type { Logger } from "../lib/logger.ts";

// Registered in this order, each wraps the one before: retries of outages go through throttling again.
const PluggedOctokit = Octokit.plugin(throttling, logRetries, retry);
// Answers no retry can change (bad input, refused credentials or permission, gone, invalid); and 429,
// GitHub's secondary limit, which the throttling plugin waits out as it does a 403 limit.
const doNotRetry = [400, 401, 403, 404, 410, 422, 429, 451];
// The plugin's write and notification groups let a new comment take its 1 s turn, wait its 3 s
// after it, then go out beside the next write (an edit 5 ms after a comment). Writes are spaced
// here instead, in the order they were asked (github-pacer.ts); these groups never wait.
const writes = new Bottleneck.Group();
const notifications = new Bottleneck.Group();

interface RateLimitPolicy {
  /** How many times a rate-limited request is retried after waiting. */
  rateLimitRetries: number;
  /**
   * Longest rate-limit wait sat out inside one request. A longer one (the
   * primary limit's reset, up to an hour) goes to the caller instead: the relay
   * retries the delivery at that time, a tool call tells the model to try later.
   */
  maxRateLimitWaitMs: number;
  logger: Logger;
}

/**
 * The throttling plugin's handlers: wait as long as GitHub asks (it has read
 * retry-after or x-ratelimit-reset), a bounded number of times, and only for a
 * wait the caller can sit out. A refusal caused by a limit is re-sent even with
 * `retries: 0`, since GitHub did nothing with it.
 */
export function rateLimitHandlers(policy: RateLimitPolicy) {
  const handler =
    (message: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      policy.logger.warn(message, { method: request.method, url: request.url, retryAfter, retryCount });
      return retryCount < policy.rateLimitRetries && retryAfter * 1000 <= policy.maxRateLimitWaitMs;
    };
  return {
    onRateLimit: handler("GitHub rate limit reached"),
    onSecondaryRateLimit: handler("GitHub secondary rate limit reached"),
  };
}

/**
 * An Octokit plugin, placed between the throttling and the retry plugins, that
 * logs each outage the retry plugin is about to retry: the plugin itself is silent.
 */
export function logRetries(
  octokit: Pick<Octokit, "hook" | "log">,
  octokitOptions: { retry?: { retries?: number; retryAfterBaseValue?: number; doNotRetry?: number[] } },
) {
  const { retries = 3, retryAfterBaseValue = 1_000, doNotRetry = [] } = octokitOptions.retry ?? {};
  octokit.hook.error("request", (error, request) => {
    const status = (error as { status?: unknown }).status;
    const attempt = Number(request.request?.retryCount ?? 0);
    const allowed = Number(request.request?.retries ?? retries);
    if (
      "request" in error &&
      typeof status === "number" &&
      status >= 400 &&
      !doNotRetry.includes(status) &&
      attempt < allowed
    ) {
      octokit.log.warn("GitHub request failed; retrying", {
        method: request.method,
        url: request.url,
        status,
        retry: attempt + 1,
        of: allowed,
        inMs: (attempt + 1) ** 2 * retryAfterBaseValue,
      });
    }
    throw error;
  });
  return {};
}

/**
 * Octokit with Octokit's throttling and retry plugins: at most 10 requests in
 * flight and token requests one at a time (the plugin's groups, per `id`), rate
 * limits waited out (rateLimitHandlers), outages retried with growing waits;
 * `request: { retries: 0 }` (creating a comment) is never re-sent after an
 * outage. Each attempt has its own timeout: @octokit/rest has none.
 */
export function createPluginGitHubClient(options: GitHubClientOptions): Octokit {
  const baseFetch = options.fetch ?? fetch;
  const timedFetch: typeof fetch = (input, init) =>
    baseFetch(input, {
      ...init,
      signal: init?.signal
        ? AbortSignal.any([init.signal, AbortSignal.timeout(options.timeoutMs)])
        : AbortSignal.timeout(options.timeoutMs),
    });
  const pacer = options.pacer ?? createGitHubPacer(options.pacing ?? defaultPacing);
  const octokit = new PluggedOctokit({
    ...octokitOptions(options, timedFetch),
    // The app's own client gets limits of its own: an installation's call waits in its slot for the app's token requests.
    throttle: {
      id: options.app ? "github-app" : "github",
      write: writes,
      notifications,
      ...rateLimitHandlers({
        rateLimitRetries: options.rateLimitRetries ?? 2,
        maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 60_000,
        logger: options.logger,
      }),
    },
    retry: {
      retries: options.retry?.retries ?? 3,
      retryAfterBaseValue: options.retry?.baseDelayMs ?? 1_000,
      doNotRetry,
    },
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string, fields?: object) => options.logger.warn(message, { ...fields }),
      error: (message: string, fields?: object) => options.logger.error(message, { ...fields }),
    },
  });
  // Outermost: a call is paced once, however often the plugins re-send it. Not at the fetch, as the
  // hand-made client paces: there a comment would hold one of the plugin's 10 slots through its 3 s.
  // So the plugins' queues run after the pacing, and writes may leave a few ms nearer than paced.
  octokit.hook.wrap("request", async (request, requestOptions) => {
    const path = new URL(requestOptions.url, "http://github.invalid").pathname;
    if (writeKind(requestOptions.method, path)) await pacer.beforeWrite(throttling.triggersNotification(path));
    // Each call its own `request` options: the plugins count its retries there, and a call without
    // options of its own shares its method's object, and so the count, with the calls before it.
    // Replaced in place: every hook gets this object, whatever an outer hook passes on.
    requestOptions.request = { ...requestOptions.request };
    return request(requestOptions);
  });
  observeRateLimit(octokit, options.logger, options.onRateLimit);
  return octokit;
}
