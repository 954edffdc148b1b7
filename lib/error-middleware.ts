import type { ServerResponse } from "node:http";
import type { ErrorRequestHandler } from "express";
import { isHttpError } from "./http-error.ts";
import type { LogFields, Logger } from "./logger.ts";

export const genericDetail = "Internal error. The administrator can find it in the server's log.";

/** The status and detail for a known error (ours, or a body reader's 4xx); null for anything else. */
export function knownErrorAnswer(error: unknown): { status: number; detail: string } | null {
  if (isHttpError(error)) return { status: error.status, detail: error.detail };
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  if (type === "entity.parse.failed") return { status: 400, detail: "The request body is not valid JSON." };
  if (type === "entity.too.large") return { status: 413, detail: "The request body is too large." };
  if (typeof status === "number" && status >= 400 && status < 500)
    return { status, detail: "The request could not be read." };
  return null;
}

/**
 * The one way an error becomes an answer: known errors answer `{ detail }`; anything else is
 * logged and answers a 500 that leaks nothing (`internalDetail` may tell the caller what to do).
 */
export function sendError(
  res: ServerResponse,
  error: unknown,
  options: { logger: Logger; fields: LogFields; internalDetail?: string },
) {
  let answer = knownErrorAnswer(error);
  if (!answer) {
    options.logger.error("unhandled error", { ...options.fields, error });
    answer = { status: 500, detail: options.internalDetail ?? genericDetail };
  }
  const text = JSON.stringify({ detail: answer.detail });
  res.writeHead(answer.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

/** sendError as express's error handler, mounted last in each service. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => sendError(res, error, { logger, fields: { method: req.method, path: req.path } });
}
