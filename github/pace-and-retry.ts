import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../lib/logger.ts";
import { isTokenRequest, type GitHubPacer } from "./github-pacer.ts";

/** The part of Octokit's request options the hook reads. `request.retries: 0` turns retries off for one call. */
export interface HookedRequestOptions {
  method: string;
  url: string;
  request?: { retries?: number; [option: string]: unknown };
}

export interface PaceAndRetryOptions {
  pacer: GitHubPacer;
  /** Retries of 5xx answers and network failures (and 4xx answers GitHub may get over, like 408 or 409). */
  retries: number;
  /** Wait before retry n is n² times this. */
  baseDelayMs: number;
  /** Retries of a request refused by a rate limit, each after the wait GitHub names. */
  rateLimitRetries: number;
  /**
   * Longest wait for a rate limit inside one request. A longer one (the primary
   * limit's reset, up to an hour) goes to the caller instead: the relay retries
   * the delivery at that time, a tool call tells the model to try later.
   */
  maxRateLimitWaitMs: number;
  logger: Logger;
}

// Answers no retry can change: bad input, refused credentials or permission, gone, invalid.
const permanent = new Set([400, 401, 403, 404, 410, 422, 451]);

interface ErrorAnswer {
  status: number;
  message: string;
  headers: Record<string, unknown>;
}

/** An error Octokit made of GitHub's answer (or of no answer: status 500 with no response). */
function answerOf(error: unknown): ErrorAnswer | undefined {
  if (!(error instanceof Error) || !("request" in error)) return undefined;
  const status = (error as { status?: unknown }).status;
  if (typeof status !== "number") return undefined;
  const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers ?? {};
  return { status, message: error.message, headers };
}

/** Seconds GitHub asks us to wait when this answer is a rate limit; undefined when it is not one. */
function rateLimitWait(
  answer: ErrorAnswer,
  now: number,
): { kind: "primary" | "secondary"; seconds: number } | undefined {
  if (answer.status !== 403 && answer.status !== 429) return undefined;
  if (/\bsecondary rate\b/i.test(answer.message)) {
    // GitHub's guidance: retry-after when given, else at least a minute.
    return { kind: "secondary", seconds: Number(answer.headers["retry-after"]) || 60 };
  }
  if (String(answer.headers["x-ratelimit-remaining"]) === "0") {
    // One second past the reset, so the retry lands after it.
    const reset = Number(answer.headers["x-ratelimit-reset"]) * 1000;
    return { kind: "primary", seconds: Math.max(Math.ceil((reset - now) / 1000) + 1, 0) };
  }
  return undefined;
}

/**
 * Octokit's request hook with GitHub's retries: token requests one at a time,
 * rate limits waited out for as long as GitHub says, outages retried with
 * growing waits (each attempt's write is spaced at the fetch). A call with
 * `request: { retries: 0 }` (creating a comment: not idempotent, a 5xx may come
 * after it was stored) is never re-sent after an outage; a rate limit's refusal
 * is, since GitHub did nothing. Each attempt keeps the client's own timeout.
 */
export function paceAndRetry(options: PaceAndRetryOptions) {
  const { pacer, logger } = options;
  return async function hook<T, O extends HookedRequestOptions>(
    request: (options: O) => T | Promise<T>,
    requestOptions: O,
  ): Promise<T> {
    const method = requestOptions.method.toUpperCase();
    const path = new URL(requestOptions.url, "http://github.invalid").pathname;
    const auth = isTokenRequest(method, path);
    const retries = requestOptions.request?.retries ?? options.retries;
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      let waitMs: number;
      // Token requests (the app's JWT, no auth requests of their own) one at a time; others are limited at the fetch.
      const release = auth ? await pacer.token() : () => {};
      try {
        return await request(requestOptions);
      } catch (error) {
        const answer = answerOf(error);
        if (!answer) throw error;
        const limited = rateLimitWait(answer, Date.now());
        const fields = { method, url: requestOptions.url, status: answer.status };
        if (limited) {
          logger.warn(
            limited.kind === "secondary" ? "GitHub secondary rate limit reached" : "GitHub rate limit reached",
            { ...fields, retryAfter: limited.seconds, retryCount: rateLimited },
          );
          if (rateLimited >= options.rateLimitRetries || limited.seconds * 1000 > options.maxRateLimitWaitMs)
            throw error;
          rateLimited++;
          waitMs = limited.seconds * 1000;
        } else {
          if (permanent.has(answer.status) || answer.status < 400 || failures >= retries) throw error;
          failures++;
          const retryAfter = Number(answer.headers["retry-after"]);
          waitMs = Math.max(
            failures * failures * options.baseDelayMs,
            Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, options.maxRateLimitWaitMs) : 0,
          );
          logger.warn("GitHub request failed; retrying", { ...fields, retry: failures, of: retries, inMs: waitMs });
        }
      } finally {
        release();
      }
      await sleep(waitMs);
    }
  };
}
