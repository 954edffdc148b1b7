import express, { type Request, type RequestHandler, type Response } from "express";
import { constantTimeEqual } from "../lib/constant-time-equal.ts";
import type { Logger } from "../lib/logger.ts";
import { clientOf, retryAfterSeconds, type FailureLimit } from "./admin-failure-limit.ts";
import { sessionCookieName, sessionCookieOptions, type AdminSession } from "./admin-session.ts";
import { renderSignIn } from "./render-deliveries-page.ts";

export const sessionLifetimeMs = 12 * 3_600_000;

export interface SignInOptions {
  token: string;
  session: AdminSession;
  failureLimit: FailureLimit;
  logger: Logger;
}

export function sessionCookie(req: Request): string | undefined {
  const value: unknown = req.cookies?.[sessionCookieName];
  return typeof value === "string" ? value : undefined;
}

function html(res: Response, status: number, body: string) {
  res.status(status).type("html").send(body);
}

/** POST /deliveries/sign-in: RELAY_ADMIN_TOKEN for a session cookie, each client's wrong tokens slowed down. */
export function signIn({ token, session, failureLimit, logger }: SignInOptions): RequestHandler {
  return async (req, res) => {
    const client = clientOf(req.ip);
    const check = failureLimit.check(client);
    if (!check.ok) {
      const seconds = retryAfterSeconds(check.retryAfterMs);
      res.set("Retry-After", seconds);
      return html(
        res,
        429,
        renderSignIn({ error: `Too many wrong tokens from your address. Try again in ${seconds} seconds.` }),
      );
    }
    const given = typeof req.body?.token === "string" ? req.body.token.trim() : "";
    if (!given || !constantTimeEqual(given, token)) {
      failureLimit.failed(client);
      logger.warn("deliveries page: sign-in with a wrong token", { ip: req.ip });
      return html(
        res,
        401,
        renderSignIn({ error: "That is not the admin token. It is the value of RELAY_ADMIN_TOKEN." }),
      );
    }
    failureLimit.succeeded(client);
    logger.info("deliveries page: admin signed in", { ip: req.ip });
    res.cookie(sessionCookieName, await session.issue(), { ...sessionCookieOptions(req), maxAge: sessionLifetimeMs });
    res.redirect(303, "/deliveries");
  };
}

/** POST /deliveries/sign-out: ends the session on the server (every copy of the cookie), then clears it. */
export function signOut({ session, logger }: Pick<SignInOptions, "session" | "logger">): RequestHandler {
  return async (req, res) => {
    if (await session.end(sessionCookie(req))) logger.info("deliveries page: admin signed out", { ip: req.ip });
    res.clearCookie(sessionCookieName, sessionCookieOptions(req));
    res.redirect(303, "/deliveries");
  };
}

export const signInForm = express.urlencoded({ extended: false, limit: "4kb", parameterLimit: 10 });
