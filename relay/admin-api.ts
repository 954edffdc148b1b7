import { Router, type RequestHandler } from "express";
import { HttpError } from "../lib/http-error.ts";
import type { Logger } from "../lib/logger.ts";
import { adminBearer } from "./admin-bearer.ts";
import type { FailureLimit } from "./admin-failure-limit.ts";
import { replayDelivery } from "./replay-delivery.ts";
import type { DeliveryLog, DeliveryRecord, DeliveryStatus } from "../store/delivery-log.ts";
import type { ReloadResult } from "../config/config-holder.ts";
import type { ObservationStore } from "../store/observation-store.ts";
import type { ObservedWrite } from "./render-observed.ts";
import { agreementSpanMs, agreementWindowMs, labelAgreement } from "./rules/label-agreement.ts";

const statuses: DeliveryStatus[] = ["pending", "running", "done", "failed", "ignored", "dead"];

/** Only http(s) links are shown, so a stored value can never become a `javascript:` link. */
function httpUrl(value: unknown): string | null {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function issueOf(payload: string | null): { title: string | null; url: string | null } {
  if (!payload) return { title: null, url: null };
  try {
    type Thread = { title?: unknown; html_url?: unknown };
    const parsed = JSON.parse(payload) as { issue?: Thread; pull_request?: Thread };
    // A pending pull request event carries both on review events; the pull request is the thread.
    const issue = parsed.pull_request ?? parsed.issue;
    return { title: typeof issue?.title === "string" ? issue.title : null, url: httpUrl(issue?.html_url) };
  } catch {
    return { title: null, url: null };
  }
}

/**
 * A delivery as the admin API and the deliveries page show it: everything but the payload, plus the
 * issue's title and link from it, and `durationMs`, the latest attempt's time from claim to finish.
 */
export function deliveryView(record: DeliveryRecord) {
  const { payload, ...rest } = record;
  const issue = issueOf(payload);
  // Only a finished delivery has a duration: a replayed one keeps its last run's times until it is taken again.
  const finished =
    record.status === "done" || record.status === "failed" || record.status === "dead" || record.status === "ignored";
  const durationMs =
    finished && record.startedAt != null && record.finishedAt != null && record.finishedAt >= record.startedAt
      ? record.finishedAt - record.startedAt
      : null;
  return { ...rest, commentUrl: httpUrl(record.commentUrl), issueTitle: issue.title, issueUrl: issue.url, durationMs };
}

/** `observed`: what an observed run of the delivery would have written (observe mode). */
export type DeliveryView = ReturnType<typeof deliveryView> & { observed?: readonly ObservedWrite[] };

/** Deliveries as views, each with the writes its observed runs recorded. */
export async function deliveryViews(
  records: readonly DeliveryRecord[],
  observations: ObservationStore | undefined,
): Promise<DeliveryView[]> {
  const found = observations ? await observations.ofDeliveries(records.map((r) => r.key)) : [];
  return records.map((record) => {
    const observed = found
      .filter((o) => o.deliveryKey === record.key)
      .map(({ tool, target, text, labels, at }) => ({ tool, target, text, labels, at }));
    return { ...deliveryView(record), ...(observed.length > 0 ? { observed } : {}) };
  });
}

function adminAuth(token: string | null, limit: FailureLimit, logger: Logger): RequestHandler {
  if (!token)
    return (_req, _res, next) => next(new HttpError(404, "The admin API is off. Set RELAY_ADMIN_TOKEN to turn it on."));
  return adminBearer(token, limit, logger);
}

/** Lists deliveries and replays failed or dead-lettered ones, behind RELAY_ADMIN_TOKEN. */
export function createAdminApi(options: {
  deliveries: DeliveryLog;
  /** Observe mode's recordings, shown with their deliveries. */
  observations?: ObservationStore;
  token: string | null;
  /** Shared with the deliveries page's sign-in: both take RELAY_ADMIN_TOKEN. */
  failureLimit: FailureLimit;
  onReplay: () => void;
  reloadConfig: () => Promise<ReloadResult>;
  logger: Logger;
}) {
  const router = Router();
  router.use(adminAuth(options.token, options.failureLimit, options.logger));

  router.get("/deliveries", async (req, res) => {
    const status = typeof req.query.status === "string" && req.query.status ? req.query.status : undefined;
    if (status !== undefined && !statuses.includes(status as DeliveryStatus)) {
      throw new HttpError(400, `status must be one of ${statuses.join(", ")}.`);
    }
    const limitText = typeof req.query.limit === "string" ? req.query.limit : "100";
    if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 1000)
      throw new HttpError(400, "limit must be a whole number from 1 to 1000.");
    const deliveries = await options.deliveries.list({
      ...(status ? { status: status as DeliveryStatus } : {}),
      limit: Number(limitText),
    });
    res.json({ deliveries: await deliveryViews(deliveries, options.observations) });
  });

  // Observe mode's label agreement per rule, as the deliveries page shows it (docs/rules.md).
  router.get("/observe/agreement", async (_req, res) => {
    const none = { observations: [], changes: [] };
    const history = options.observations ? await options.observations.labelHistory(Date.now() - agreementSpanMs) : none;
    res.json({ windowDays: agreementWindowMs / 86_400_000, rules: labelAgreement(history) });
  });

  router.post("/deliveries/:deliveryId/replay", async (req, res) => {
    const replayed = await replayDelivery(options.deliveries, String(req.params.deliveryId));
    options.logger.info("delivery replayed by an admin", { deliveryId: replayed.deliveryId, ip: req.ip });
    options.onReplay();
    res.status(202).json({ delivery: deliveryView(replayed) });
  });

  // What SIGHUP does, for this process: 200 with what the file now sets, or 422 with each problem.
  router.post("/config/reload", async (req, res) => {
    options.logger.info("reloading the config file", { via: "admin API", ip: req.ip });
    const result = await options.reloadConfig();
    if (result.ok) return void res.json(result);
    res.status(422).json({
      detail: "The config file was refused and the one in use stays. Fix each problem, then reload again.",
      ...result,
    });
  });

  // Errors go on to the app's one error middleware.
  return router;
}
