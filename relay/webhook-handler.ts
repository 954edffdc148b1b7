import type { IncomingMessage, ServerResponse } from "node:http";
import type { RepoAllowList } from "../github/repo-allow-list.ts";
import { knownErrorAnswer, sendError } from "../lib/error-middleware.ts";
import { HttpError } from "../lib/http-error.ts";
import type { Logger } from "../lib/logger.ts";
import type { DeliveryLog, NewDelivery } from "../store/delivery-log.ts";
import { classifyDelivery, type Classification } from "./classify-delivery.ts";
import { answerNewDelivery, answerRepeatedDelivery, send } from "./answer-delivery.ts";
import { header, readGitHubDelivery } from "./read-github-delivery.ts";
import { noObserver, type RelayObserver } from "./relay-metrics.ts";
import { createSignatureVerifier } from "./verify-signature.ts";

export interface WebhookHandlerOptions {
  secret: string;
  deliveries: DeliveryLog;
  allowList: RepoAllowList;
  /** The relay's own GitHub login when known, to ignore its own events. */
  ownLogin: () => string | null;
  /** Called after a delivery to work on is durably stored. */
  onQueued: () => void;
  logger: Logger;
  observer?: RelayObserver;
  /** GitHub caps payloads at 25 MB. */
  maxBodyBytes?: number;
}

/** What is stored of a delivery: pending with its payload when there is work, else ignored with the reason. */
function deliveryRecord(
  hookId: string | undefined,
  delivery: { deliveryId: string; event: string; payload: unknown; json: string },
  classification: Exclude<Classification, { kind: "invalid" } | { kind: "ping" }>,
): NewDelivery {
  const { deliveryId, event, payload } = delivery;
  const action = (payload as { action?: unknown }).action;
  const work = classification.kind === "work";
  return {
    // One GUID goes to every hook that subscribed, so the key names the hook too.
    key: `${hookId ?? "-"}:${deliveryId}`,
    deliveryId,
    event,
    action: typeof action === "string" ? action : null,
    status: work ? "pending" : "ignored",
    ...(classification.kind === "ignore" ? { reason: classification.reason } : {}),
    ...(classification.repository ? { repository: classification.repository } : {}),
    ...(classification.issueNumber !== undefined ? { issueNumber: classification.issueNumber } : {}),
    ...(work ? { payload: delivery.json } : {}),
  };
}

/**
 * Verify, persist, answer. Nothing slow happens before the answer: GitHub
 * gives up after 10 s and never retries by itself.
 */
export function createWebhookHandler(options: WebhookHandlerOptions) {
  const maxBodyBytes = options.maxBodyBytes ?? 25 * 1024 * 1024;
  const { logger, deliveries } = options;
  const observer = options.observer ?? noObserver;
  const verifySignature = createSignatureVerifier(options.secret);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const { deliveryId, event, payload, json } = await readGitHubDelivery(req, {
      verifySignature,
      maxBodyBytes,
      logger,
    });
    const classification = classifyDelivery(event, payload, {
      allowList: options.allowList,
      ownLogin: options.ownLogin(),
    });
    if (classification.kind === "invalid")
      throw new HttpError(400, `Unusable ${event} payload: ${classification.reason}.`);
    observer.delivery(event, "received");
    if (classification.kind === "ping") {
      logger.info("ping received", { deliveryId });
      send(res, 200, { status: "pong" });
      return;
    }

    const record = deliveryRecord(
      header(req, "x-github-hook-id"),
      { deliveryId, event, payload, json },
      classification,
    );
    const { inserted } = await deliveries.add(record);
    // GitHub's Redeliver reuses the GUID: for one that failed or was dead-lettered, that is a request to try again.
    if (!inserted) {
      return answerRepeatedDelivery(res, { ...options, observer }, { ...record, work: record.status === "pending" });
    }
    answerNewDelivery(res, { ...options, observer }, record);
  }

  return async function webhookHandler(req: IncomingMessage, res: ServerResponse) {
    try {
      await handle(req, res);
    } catch (error) {
      const deliveryId = header(req, "x-github-delivery") ?? null;
      const known = knownErrorAnswer(error);
      // Closing the connection is what stops the rest of an oversized body from being read.
      if (known?.status === 413) res.setHeader("connection", "close");
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
