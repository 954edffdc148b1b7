import type { RequestHandler } from "express";
import { constantTimeEqual } from "./constant-time-equal.ts";
import { HttpError } from "./http-error.ts";

/** Lets a request through only with `Authorization: Bearer <secret>`, compared in constant time. */
export function requireBearer(secret: string, refusal: string): RequestHandler {
  return (req, _res, next) => {
    const match = /^Bearer (.+)$/i.exec(req.get("authorization") ?? "");
    next(match?.[1] && constantTimeEqual(match[1].trim(), secret) ? undefined : new HttpError(401, refusal));
  };
}
