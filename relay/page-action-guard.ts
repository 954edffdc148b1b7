import type { RequestHandler, Response } from "express";
import { constantTimeEqual } from "../lib/constant-time-equal.ts";
import type { AdminSession } from "./admin-session.ts";
import { sessionCookie } from "./admin-sign-in.ts";
import { renderSignIn } from "./render-deliveries-page.ts";

/** The signed-in session of a request that passed `pageActionGuard`. */
export function guardedSession(res: Response): string {
  return res.locals.adminSession as string;
}

/**
 * In front of each of the page's actions that change something (replay, reload the config): a live
 * session, and two more locks. SameSite=Strict already keeps the cookie off cross-site requests; the
 * form's token and the browser's own Sec-Fetch-Site must also say the request came from the page.
 */
export function pageActionGuard(session: AdminSession, action: { verb: string; button: string }): RequestHandler {
  return async (req, res, next) => {
    const current = sessionCookie(req);
    if (!current || !(await session.verify(current))) {
      res
        .status(401)
        .type("html")
        .send(renderSignIn({ error: `Your session has ended. Sign in again, then ${action.verb}.` }));
      return;
    }
    const site = req.get("sec-fetch-site");
    const csrf = typeof req.body?.csrf === "string" ? req.body.csrf : "";
    if ((site && site !== "same-origin") || !constantTimeEqual(csrf, session.csrfFor(current))) {
      res
        .status(403)
        .type("html")
        .send(
          `<!doctype html><title>Refused</title><p>This ${action.verb} did not come from the deliveries page. Open /deliveries and press ${action.button} there.</p>`,
        );
      return;
    }
    res.locals.adminSession = current;
    next();
  };
}
