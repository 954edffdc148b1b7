/**
 * A failure that may pass (an outage, a timeout, a rate limit): the relay's worker tries the
 * delivery again later, not before `retryAfterMs` when the other side asked for a wait.
 */
export class TransientError extends Error {
  readonly retryAfterMs: number | undefined;
  /** The wait is GitHub's, not the run's fault (the comment budget, a rate limit): it does not use an attempt. */
  readonly keepsAttempt: boolean;

  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number; keepsAttempt?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TransientError";
    this.retryAfterMs = options?.retryAfterMs;
    this.keepsAttempt = options?.keepsAttempt ?? false;
  }
}
