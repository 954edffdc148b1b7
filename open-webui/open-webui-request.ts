import { HttpError } from "../lib/http-error.ts";
import { TransientError } from "../lib/transient-error.ts";

/** Why a call to Open WebUI failed, for the relay's metrics. */
export type OpenWebUIFailure = "unreachable" | "timeout" | "refused" | "rate_limited" | "server_error" | "client_error";

/** Why a call to Open WebUI, or the run inside it, went wrong: a failed call, or a run without a usable result. */
export type ModelErrorKind = OpenWebUIFailure | "bad_response" | "message_error" | "no_answer";

export interface OpenWebUIRequestOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  /** Told about each failed call. */
  onFailure?: (kind: OpenWebUIFailure) => void;
  /** Added to the message when Open WebUI cannot be reached: what to check. */
  unreachableHint?: string;
}

export interface OpenWebUIRequest {
  /** Sends with the key; a network failure or timeout throws a TransientError, any status comes back. */
  send(method: string, path: string, init: { body?: unknown; timeoutMs: number }): Promise<Response>;
  /** Resolves with the response when it is 2xx; otherwise throws: 5xx and 429 a TransientError, the rest an HttpError. */
  ok(response: Response, method: string, path: string): Promise<Response>;
  /** What Open WebUI said went wrong (`detail`, `error`), never our key. */
  detail(response: Response): Promise<string>;
}

/** Whether a request, or its streamed body, broke off because its time ran out. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** The one way both Open WebUI clients (the relay's chat, registration's admin settings) call it. */
export function createOpenWebUIRequest(options: OpenWebUIRequestOptions): OpenWebUIRequest {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");
  const failed = options.onFailure ?? (() => {});
  const hint = options.unreachableHint ? `. ${options.unreachableHint}` : "";
  // Open WebUI may echo what it was sent; our key never goes further than this module.
  const clean = (text: string) => (options.apiKey.length >= 4 ? text.replaceAll(options.apiKey, "[redacted]") : text);

  async function detail(response: Response): Promise<string> {
    const text = await response.text().catch(() => "");
    let found: string | undefined;
    try {
      const parsed = JSON.parse(text) as { detail?: unknown; error?: { message?: unknown } | string };
      if (typeof parsed.detail === "string") found = parsed.detail;
      else if (typeof parsed.error === "string") found = parsed.error;
      else if (typeof parsed.error?.message === "string") found = parsed.error.message;
    } catch {
      // Not JSON: the raw text says it.
    }
    return clean(found ?? (text.slice(0, 300) || response.statusText));
  }

  return {
    detail,
    async send(method, path, init) {
      try {
        return await doFetch(base + path, {
          method,
          headers: {
            authorization: `Bearer ${options.apiKey}`,
            accept: "application/json",
            ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
          signal: AbortSignal.timeout(init.timeoutMs),
          redirect: "manual",
        });
      } catch (error) {
        failed(isTimeout(error) ? "timeout" : "unreachable");
        throw new TransientError(
          isTimeout(error)
            ? `Open WebUI did not answer ${method} ${path} within ${init.timeoutMs} ms${hint}`
            : `Open WebUI could not be reached at ${base}${hint}`,
          { cause: error },
        );
      }
    },
    async ok(response, method, path) {
      if (response.ok) return response;
      const { status } = response;
      const refused = status === 401 || status === 403;
      failed(refused ? "refused" : status === 429 ? "rate_limited" : status >= 500 ? "server_error" : "client_error");
      const message = `Open WebUI answered ${status} to ${method} ${path}: ${await detail(response)}${refused ? " (check OPENWEBUI_API_KEY, and that API keys are enabled in Open WebUI)" : ""}`;
      const retryAfter = Number(response.headers.get("retry-after"));
      // Its own outages and its model provider's (which it passes on) may pass; a refused request will not.
      if (status >= 500 || status === 429)
        throw new TransientError(
          message,
          Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {},
        );
      throw new HttpError(502, message);
    },
  };
}
