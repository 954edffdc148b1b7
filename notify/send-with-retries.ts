import type { AttemptResult, NotifyTimeouts, PlatformRequest } from "./notify-types.ts";

export interface SendOptions {
  fetch: typeof globalThis.fetch;
  timeouts: NotifyTimeouts;
  /** Applied to every error text: a platform may echo the URL, which is the secret. */
  redact(text: string): string;
  /**
   * false: an attempt that timed out is not sent again, since it may have landed (a chat answer posted
   * twice is worse than one reported as maybe lost). Default true.
   */
  retryAfterTimeout?: boolean;
}

/**
 * Sends one request until it lands, a refusal says retrying is pointless, the attempts are spent,
 * or the next wait would end past the whole budget (totalMs).
 */
export async function sendWithRetries(
  request: PlatformRequest,
  { fetch, timeouts, redact, retryAfterTimeout = true }: SendOptions,
): Promise<{ ok: boolean; attempts: number; error?: string }> {
  const deadline = Date.now() + timeouts.totalMs;
  let attempts = 0;
  for (;;) {
    attempts++;
    const left = deadline - Date.now();
    const result = await attempt(request, fetch, Math.min(timeouts.attemptMs, left));
    if (result.ok) return { ok: true, attempts };
    const error = redact(result.error);
    if (result.timedOut && !retryAfterTimeout)
      return { ok: false, attempts, error: `${error}; not sent again, as it may have been posted` };
    if (!result.retry || attempts >= timeouts.attempts) return { ok: false, attempts, error };
    const wait = Math.max(timeouts.backoffMs * 2 ** (attempts - 1), result.retryAfterMs ?? 0);
    if (Date.now() + wait >= deadline)
      return { ok: false, attempts, error: `${error} (no time left to retry within ${timeouts.totalMs} ms)` };
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

async function attempt(request: PlatformRequest, fetch: SendOptions["fetch"], ms: number): Promise<AttemptResult> {
  try {
    const response = await fetch(request.url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", ...request.headers },
      body: JSON.stringify(request.body),
      redirect: "error",
      signal: AbortSignal.timeout(ms),
    });
    // The body counts inside the attempt's time: the signal covers reading it too.
    const text = await response.text();
    return request.judge(response.status, text, response.headers);
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError";
    const { cause } = error as { cause?: { code?: string; message?: string } };
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    const error_ = timedOut ? `no answer within ${ms} ms` : `could not reach the platform (${why})`;
    return { ok: false, retry: true, error: error_, ...(timedOut ? { timedOut: true } : {}) };
  }
}
