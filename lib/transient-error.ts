/**
 * A failure that may pass (an outage, a timeout, a rate limit): the relay's worker tries the
 * delivery again later, not before `retryAfterMs` when the other side asked for a wait.
 */
export class TransientError extends Error {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TransientError";
    this.retryAfterMs = options?.retryAfterMs;
  }
}
