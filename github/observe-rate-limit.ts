import type { Octokit } from "@octokit/rest";
import type { Logger } from "../lib/logger.ts";

/**
 * Logs each GitHub answer at debug level and tells `onRateLimit` GitHub's
 * `x-ratelimit-remaining` (and its resource) whenever an answer has it, for the metrics.
 */
export function observeRateLimit(
  octokit: Octokit,
  logger: Logger,
  onRateLimit?: (resource: string, remaining: number) => void,
): void {
  const seen = (headers: Record<string, unknown> | undefined, method: string, url: string, status: number) => {
    const remaining = Number(headers?.["x-ratelimit-remaining"]);
    logger.debug("GitHub answered", {
      method,
      url,
      status,
      rateLimitRemaining: Number.isFinite(remaining) ? remaining : null,
    });
    if (!onRateLimit || headers?.["x-ratelimit-remaining"] === undefined || !Number.isFinite(remaining)) return;
    const resource = String(headers["x-ratelimit-resource"] ?? "core");
    // GitHub's resources are a short fixed list; anything else would only add series.
    onRateLimit(/^[a-z_]{1,40}$/.test(resource) ? resource : "other", remaining);
  };
  octokit.hook.after("request", (response, request) =>
    seen(response.headers, request.method, request.url, response.status),
  );
  octokit.hook.error("request", (error, request) => {
    const response = (error as { response?: { headers?: Record<string, unknown>; status?: number } }).response;
    if (response) seen(response.headers, request.method, request.url, response.status ?? 0);
    throw error;
  });
}
