/**
 * The one error type of both services. `detail` is safe to show to the caller
 * (often a model), so it must never carry a secret or an internal stack.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly detail: string;
  /** True when trying again later may succeed (an outage, a timeout, a rate limit). */
  readonly transient: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(status: number, detail: string, options?: { cause?: unknown; transient?: boolean; retryAfterMs?: number }) {
    super(detail, options);
    this.name = "HttpError";
    this.status = status;
    this.detail = detail;
    this.transient = options?.transient ?? false;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}
