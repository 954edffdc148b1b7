import type { RequestHandler } from "express";
import { constantTimeEqual } from "../lib/constant-time-equal.ts";
import { HttpError } from "../lib/http-error.ts";
import type { Logger } from "../lib/logger.ts";
import { clientOf, retryAfterSeconds, type FailureLimit } from "./admin-failure-limit.ts";

const refusal = "Missing or wrong bearer token: send Authorization: Bearer <RELAY_ADMIN_TOKEN>.";

/**
 * The admin API's lock: `Authorization: Bearer <RELAY_ADMIN_TOKEN>`, compared in constant time, with
 * each client's wrong tokens slowed down by `limit` (a request without a token is no guess).
 */
export function adminBearer(token: string, limit: FailureLimit, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = /^Bearer (.+)$/i.exec(req.get("authorization") ?? "")?.[1]?.trim();
    if (!given) return next(new HttpError(401, refusal));
    const client = clientOf(req.ip);
    const check = limit.check(client);
    if (!check.ok) {
      res.set("Retry-After", retryAfterSeconds(check.retryAfterMs));
      return next(new HttpError(429, "Too many wrong admin tokens from this address: wait as Retry-After says."));
    }
    if (!constantTimeEqual(given, token)) {
      limit.failed(client);
      logger.warn("admin API: wrong bearer token", { ip: req.ip });
      return next(new HttpError(401, refusal));
    }
    limit.succeeded(client);
    next();
  };
}
