import { isRequestError } from "../github/github-error.ts";
import { isHttpError } from "../lib/http-error.ts";
import { TransientError } from "../lib/transient-error.ts";

export interface ErrorVerdict {
  transient: boolean;
  reason: string;
  /** The least wait the other side asked for. */
  retryAfterMs?: number;
}

/**
 * Decides whether a failed run is worth another attempt. Outages, timeouts and
 * rate limits are; a missing issue or a refused token is not, and must not use
 * up the attempts of deliveries that could succeed.
 */
export function classifyError(error: unknown, now: () => number = Date.now): ErrorVerdict {
  if (error instanceof TransientError) {
    return {
      transient: true,
      reason: error.message,
      ...(error.retryAfterMs ? { retryAfterMs: error.retryAfterMs } : {}),
    };
  }
  // A known answer (a missing issue, a refused key): the same next time.
  if (isHttpError(error)) return { transient: false, reason: error.detail };
  if (isRequestError(error)) {
    const headers = error.response?.headers ?? {};
    const reason = `GitHub answered ${error.status}: ${error.message}`;
    const retryAfter = Number(headers["retry-after"]);
    const reset = Number(headers["x-ratelimit-reset"]);
    const rateLimited =
      error.status === 429 ||
      (error.status === 403 && (/rate limit/i.test(error.message) || headers["x-ratelimit-remaining"] === "0"));
    if (rateLimited) {
      // GitHub's order: retry-after, else the reset time, else at least a minute.
      const wait = retryAfter > 0 ? retryAfter * 1000 : reset > 0 ? Math.max(reset * 1000 - now(), 0) + 1000 : 60_000;
      return { transient: true, reason, retryAfterMs: wait };
    }
    // Octokit reports a network failure as status 500 too.
    return { transient: error.status >= 500, reason };
  }
  // Anything else is a failure to talk to someone (a reset connection, DNS): worth another try.
  return { transient: true, reason: error instanceof Error ? error.message : String(error) };
}

/** Exponential backoff with jitter: half the delay fixed, half random, so retries spread out but never bunch at zero. */
export function backoffMs(attempt: number, options: { baseMs: number; maxMs: number; random?: () => number }): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(attempt - 1, 0));
  return Math.round(ceiling / 2 + (options.random ?? Math.random)() * (ceiling / 2));
}
