import type { ErrorRequestHandler } from "express";
import { isHttpError } from "./http-error.ts";
import type { Logger } from "./logger.ts";

/**
 * Known errors answer `{ detail }`; body-parser errors become 400/413; anything
 * else is logged and answers a generic 500 that leaks nothing.
 */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (isHttpError(error)) {
      res.status(error.status).json({ detail: error.detail });
      return;
    }
    const type = (error as { type?: unknown }).type;
    if (type === "entity.parse.failed") {
      res.status(400).json({ detail: "The request body is not valid JSON." });
      return;
    }
    if (type === "entity.too.large") {
      res.status(413).json({ detail: "The request body is too large." });
      return;
    }
    const status = (error as { status?: unknown }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      res.status(status).json({ detail: "The request could not be read." });
      return;
    }
    logger.error("unhandled error", { method: req.method, path: req.path, error });
    res.status(500).json({ detail: "Internal error. The administrator can find it in the server's log." });
  };
}
