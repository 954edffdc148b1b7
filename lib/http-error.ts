/**
 * The one error type that becomes an HTTP answer, `{ "detail": ... }`, in both services. `detail`
 * is safe to show to the caller (often a model), so it must never carry a secret or a stack.
 * Whether a failure is worth retrying is another matter (transient-error.ts).
 */
export class HttpError extends Error {
  readonly status: number;
  readonly detail: string;

  constructor(status: number, detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = "HttpError";
    this.status = status;
    this.detail = detail;
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}
