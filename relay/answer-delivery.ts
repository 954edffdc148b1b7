import type { ServerResponse } from "node:http";
import type { NewDelivery } from "../store/delivery-log.ts";
import type { RelayObserver } from "./relay-metrics.ts";
import type { WebhookHandlerOptions } from "./webhook-handler.ts";

export function send(res: ServerResponse, status: number, body: object) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

/** Answers a delivery whose key is stored: queued again when GitHub redelivers work that failed, else a duplicate. */
export async function answerRepeatedDelivery(
  res: ServerResponse,
  options: WebhookHandlerOptions & { observer: RelayObserver },
  {
    key,
    deliveryId,
    event,
    action,
    work,
  }: { key: string; deliveryId: string; event: string; action: string | null; work: boolean },
) {
  const { deliveries, observer, logger } = options;
  // Only GitHub's Redeliver (the same GUID) asks for another try: the same issue under a new GUID is a replay.
  const sameDelivery = work && (await deliveries.get(key))?.deliveryId === deliveryId;
  const replayed = sameDelivery ? await deliveries.replay(key) : undefined;
  if (replayed) {
    observer.delivery(event, "queued");
    logger.info("redelivered delivery queued again", { deliveryId, key, event, action });
    send(res, 202, { status: "queued", delivery: deliveryId, redelivered: true });
    options.onQueued();
    return;
  }
  observer.delivery(event, "duplicate");
  logger.info("duplicate delivery", { deliveryId, key, event, action });
  send(res, 202, { status: "duplicate", delivery: deliveryId });
}

/** Answers a delivery stored just now: queued (and the worker woken), or ignored with the reason. */
export function answerNewDelivery(
  res: ServerResponse,
  options: WebhookHandlerOptions & { observer: RelayObserver },
  record: NewDelivery,
) {
  const { deliveryId, event, action, reason } = record;
  const work = record.status === "pending";
  options.observer.delivery(event, work ? "queued" : "ignored");
  if (work) {
    const fields = { deliveryId, event, action, repository: record.repository, issue: record.issueNumber };
    options.logger.info("delivery queued", fields);
    send(res, 202, { status: "queued", delivery: deliveryId });
    options.onQueued();
  } else {
    options.logger.info("delivery ignored", { deliveryId, event, action, reason });
    send(res, 202, { status: "ignored", delivery: deliveryId, reason });
  }
}
