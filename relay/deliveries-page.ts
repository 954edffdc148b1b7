import cookieParser from "cookie-parser";
import { Router, type RequestHandler, type Response } from "express";
import { isHttpError } from "../lib/http-error.ts";
import type { Logger } from "../lib/logger.ts";
import type { DeliveryLog, DeliveryStatus } from "../store/delivery-log.ts";
import { deliveryViews } from "./admin-api.ts";
import type { ObservationStore } from "../store/observation-store.ts";
import { agreementSpanMs, labelAgreement } from "./rules/label-agreement.ts";
import type { Coordination } from "../store/coordination.ts";
import type { FailureLimit } from "./admin-failure-limit.ts";
import { createAdminSession } from "./admin-session.ts";
import type { ReloadResult } from "../config/config-holder.ts";
import { guardedSession, pageActionGuard } from "./page-action-guard.ts";
import { reloadConfigFromPage } from "./reload-config-from-page.ts";
import { sessionCookie, sessionLifetimeMs, signIn, signInForm, signOut } from "./admin-sign-in.ts";
import { replayDelivery } from "./replay-delivery.ts";
import { deliveryStatuses, renderDeliveries, renderSignIn, styleHash } from "./render-deliveries-page.ts";

const pageLimit = 100;

export interface DeliveriesPageOptions {
  deliveries: DeliveryLog;
  /** Observe mode's recordings: what observed runs would have written, and their label agreement. */
  observations?: ObservationStore;
  token: string | null;
  /** Where the session epoch lives, so a sign-out on one replica ends the session on all. */
  coordination: Pick<Coordination, "readEpoch" | "advanceEpoch">;
  /** Shared with the admin API: both take RELAY_ADMIN_TOKEN. */
  failureLimit: FailureLimit;
  /** Open WebUI as people's browsers reach it, for links to a run's chat. */
  openWebUIUrl: string;
  onReplay: () => void;
  /** Reads openwebui-github.yml again (the "Reload config" button); an invalid file is refused. */
  reloadConfig: () => Promise<ReloadResult>;
  logger: Logger;
  now?: () => number;
}

// No script may run on these pages at all; the one inline stylesheet is admitted by its hash.
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    "Content-Security-Policy": `default-src 'none'; style-src ${styleHash}; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  });
  next();
};

function html(res: Response, status: number, body: string) {
  res.status(status).type("html").send(body);
}

function statusFilter(value: unknown): DeliveryStatus | undefined | null {
  if (value === undefined || value === "") return undefined;
  return typeof value === "string" && deliveryStatuses.includes(value as DeliveryStatus)
    ? (value as DeliveryStatus)
    : null;
}

/** Without RELAY_ADMIN_TOKEN there is no page, only how to turn it on. */
function pageOff(router: Router): Router {
  router.use("/deliveries", (_req, res) => {
    res.status(404).type("text").send("The deliveries page is off. Set RELAY_ADMIN_TOKEN to turn it on.\n");
  });
  return router;
}

export type ListPage = (
  res: Response,
  httpStatus: number,
  sessionValue: string,
  status: DeliveryStatus | undefined,
  notice?: string,
  reload?: ReloadResult,
) => Promise<void>;

/** POST /deliveries/:key/replay, behind the page's action guard. */
function replayFromPage(options: DeliveriesPageOptions, listPage: ListPage): RequestHandler {
  return async (req, res) => {
    let replayed;
    try {
      replayed = await replayDelivery(options.deliveries, String(req.params.key));
    } catch (error) {
      if (!isHttpError(error)) throw error;
      return listPage(res, error.status, guardedSession(res), undefined, error.detail);
    }
    options.logger.info("delivery replayed by an admin", {
      deliveryId: replayed.deliveryId,
      via: "deliveries page",
      ip: req.ip,
    });
    options.onReplay();
    // Unfiltered: under "failed" the replayed row would vanish instead of showing pending, then done.
    res.redirect(303, "/deliveries");
  };
}

/**
 * The deliveries page, for people in a browser: GET /deliveries behind a sign-in with
 * RELAY_ADMIN_TOKEN. Rendered on the server, so the page runs no script and its CSP forbids all.
 */
export function createDeliveriesPage(options: DeliveriesPageOptions) {
  const router = Router();
  const now = options.now ?? Date.now;
  router.use("/deliveries", securityHeaders, cookieParser());
  const { token } = options;
  if (!token) return pageOff(router);
  const session = createAdminSession(token, { lifetimeMs: sessionLifetimeMs, epochs: options.coordination, now });
  const { failureLimit, logger } = options;

  async function listPage(
    res: Response,
    httpStatus: number,
    sessionValue: string,
    status: DeliveryStatus | undefined,
    notice?: string,
    reload?: ReloadResult,
  ) {
    const deliveries = await options.deliveries.list({ ...(status ? { status } : {}), limit: pageLimit });
    const { observations } = options;
    const history = observations ? await observations.labelHistory(now() - agreementSpanMs) : undefined;
    html(
      res,
      httpStatus,
      renderDeliveries({
        deliveries: await deliveryViews(deliveries, observations),
        agreement: history ? labelAgreement(history) : [],
        status,
        limit: pageLimit,
        csrf: session.csrfFor(sessionValue),
        openWebUIUrl: options.openWebUIUrl,
        now: now(),
        ...(notice ? { notice } : {}),
        ...(reload ? { reload } : {}),
      }),
    );
  }

  router.get("/deliveries", async (req, res) => {
    const current = sessionCookie(req);
    if (!current || !(await session.verify(current))) return html(res, 401, renderSignIn());
    const status = statusFilter(req.query.status);
    if (status === null)
      return listPage(res, 400, current, undefined, `Unknown status. Pick one of: ${deliveryStatuses.join(", ")}.`);
    return listPage(res, 200, current, status);
  });

  router.post("/deliveries/sign-in", signInForm, signIn({ token, session, failureLimit, logger }));
  router.post("/deliveries/sign-out", signOut({ session, logger }));
  const replayGuard = pageActionGuard(session, { verb: "replay", button: "Replay" });
  router.post("/deliveries/:key/replay", signInForm, replayGuard, replayFromPage(options, listPage));
  const reloadGuard = pageActionGuard(session, { verb: "reload", button: "Reload config" });
  router.post("/deliveries/reload-config", signInForm, reloadGuard, reloadConfigFromPage(options, listPage));

  return router;
}
