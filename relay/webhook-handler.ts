import type { IncomingMessage, ServerResponse } from "node:http";
import type { RepoAllowList } from "../github/repo-allow-list.ts";
import { knownErrorAnswer, sendError } from "../lib/error-middleware.ts";
import { HttpError } from "../lib/http-error.ts";
import type { Logger } from "../lib/logger.ts";
import type { DeliveryLog } from "../store/delivery-log.ts";
import { answerNewDelivery, answerRepeatedDelivery, send } from "./answer-delivery.ts";
import { createDeliveryReader } from "./create-delivery-reader.ts";
import { deliveryRecords } from "./delivery-record.ts";
import { header } from "./read-github-delivery.ts";
import { noObserver, type RelayObserver } from "./relay-metrics.ts";
import { builtinRule } from "./rules/builtin-rule.ts";
import { decideDelivery } from "./rules/decide-delivery.ts";
import type { Rule } from "../config/rules-schema.ts";
import type { Coordination } from "../store/coordination.ts";
import { pushDecision } from "./refresh-repo-config.ts";
import type { ObservationStore } from "../store/observation-store.ts";
import { noteLabelChange } from "./rules/note-label-change.ts";

export interface WebhookHandlerOptions {
  secret: string;
  deliveries: DeliveryLog;
  allowList: RepoAllowList;
  /** The relay's own GitHub login when known, to ignore its own events. */
  ownLogin: () => string | null;
  /** The rules now (the config file's, else the built-in one); asked for each delivery, so a reload applies to the next. */
  rules?: () => readonly Rule[];
  /** With it, a push to a default branch refreshes the repository's own config file (refresh-repo-config.ts). */
  coordination?: Pick<Coordination, "advanceEpoch">;
  /** Observe mode's recordings: people's label changes on observed issues are kept for the label agreement. */
  observations?: ObservationStore;
  /** Called after a delivery to work on is durably stored. */
  onQueued: () => void;
  logger: Logger;
  observer?: RelayObserver;
  /** GitHub caps payloads at 25 MB. */
  maxBodyBytes?: number;
  /** The bytes of bodies read at once, across requests (RELAY_WEBHOOK_IN_FLIGHT_MB); beyond it, 503. */
  maxBytesInFlight?: number;
  /** Accept hooks set to application/x-www-form-urlencoded (GITHUB_WEBHOOK_FORM_ENCODED). */
  formEncoded?: boolean;
  now?: () => number;
}

/** A label change on an observed issue, kept for observe mode's label agreement; null for anything else. */
function noteForObserveMode(
  options: WebhookHandlerOptions,
  delivery: { deliveryId: string; event: string; payload: Record<string, unknown> },
  now: number,
) {
  if (!options.observations) return Promise.resolve(null);
  const { observations } = options;
  return noteLabelChange(delivery.event, delivery.payload, {
    ...delivery,
    observations,
    ownLogin: options.ownLogin(),
    now,
  });
}

/**
 * Verify, persist, answer. Nothing slow happens before the answer: GitHub
 * gives up after 10 s and never retries by itself.
 */
export function createWebhookHandler(options: WebhookHandlerOptions) {
  const maxBodyBytes = options.maxBodyBytes ?? 25 * 1024 * 1024;
  const { logger, deliveries } = options;
  const observer = options.observer ?? noObserver;
  const readDelivery = createDeliveryReader({
    secret: options.secret,
    maxBodyBytes,
    maxBytesInFlight: options.maxBytesInFlight ?? 64 * 1024 * 1024,
    formEncoded: options.formEncoded ?? false,
    logger,
  });
  const now = options.now ?? Date.now;
  const rules = options.rules ?? (() => [builtinRule]);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const { deliveryId, event, payload, json } = await readDelivery(req, res);
    const { coordination } = options;
    const decision =
      event === "push" && coordination
        ? await pushDecision(payload, { allowList: options.allowList, coordination })
        : decideDelivery(event, payload, {
            rules: rules(),
            allowList: options.allowList,
            ownLogin: options.ownLogin(),
            now: now(),
          });
    if (decision.kind === "invalid") throw new HttpError(400, `Unusable ${event} payload: ${decision.reason}.`);
    observer.delivery(event, "received");
    if (decision.kind === "ping") {
      logger.info("ping received", { deliveryId });
      send(res, 200, { status: "pong" });
      return;
    }

    const noted = await noteForObserveMode(options, { deliveryId, event, payload }, now());
    // No rule runs on it, but it is not nothing: say what was kept, and for which issue.
    const kept = noted && decision.kind === "ignore" ? { kind: "ignore" as const, ...noted } : decision;
    const records = deliveryRecords(header(req, "x-github-hook-id"), { deliveryId, event, payload, json }, kept);
    // One record per run: a delivery two rules run on is two keys, each deduplicated on its own.
    const added = await Promise.all(records.map((record) => deliveries.add(record)));
    const inserted = records.filter((_, index) => added[index]!.inserted);
    // GitHub's Redeliver reuses the GUID: for one that failed or was dead-lettered, that is a request to try again.
    if (inserted.length === 0) return answerRepeatedDelivery(res, { ...options, observer }, records);
    answerNewDelivery(res, { ...options, observer }, inserted);
  }

  return async function webhookHandler(req: IncomingMessage, res: ServerResponse) {
    try {
      await handle(req, res);
    } catch (error) {
      const deliveryId = header(req, "x-github-delivery") ?? null;
      const known = knownErrorAnswer(error);
      // Closing the connection is what stops the rest of a refused body from being read.
      if (!req.complete) res.setHeader("connection", "close");
      // A 401 is logged where it is found; the others say here why GitHub's delivery was refused.
      if (known && known.status !== 401)
        logger.warn("webhook refused", { deliveryId, status: known.status, reason: known.detail });
      // Not acknowledged, so GitHub records a failure and the delivery can be redelivered.
      sendError(res, error, {
        logger,
        fields: { deliveryId },
        internalDetail: "The delivery could not be stored. Redeliver it from the webhook's Recent Deliveries.",
      });
    }
  };
}
