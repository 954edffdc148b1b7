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

/** Answers a delivery whose keys are all stored: queued again when GitHub redelivers work that failed, else a duplicate. */
export async function answerRepeatedDelivery(
  res: ServerResponse,
  options: WebhookHandlerOptions & { observer: RelayObserver },
  records: readonly NewDelivery[],
) {
  const { deliveries, observer, logger } = options;
  const { deliveryId, event, action } = records[0]!;
  const keys = records.map((record) => record.key);
  let replayed = 0;
  for (const record of records) {
    // Only GitHub's Redeliver (the same GUID) asks for another try: the same issue under a new GUID is a replay.
    const sameDelivery = record.status === "pending" && (await deliveries.get(record.key))?.deliveryId === deliveryId;
    if (sameDelivery && (await deliveries.replay(record.key))) replayed++;
  }
  if (replayed > 0) {
    observer.delivery(event, "queued");
    logger.info("redelivered delivery queued again", { deliveryId, keys, event, action });
    send(res, 202, { status: "queued", delivery: deliveryId, redelivered: true });
    options.onQueued();
    return;
  }
  observer.delivery(event, "duplicate");
  logger.info("duplicate delivery", { deliveryId, keys, event, action });
  send(res, 202, { status: "duplicate", delivery: deliveryId });
}

/** Answers a delivery stored just now (the records newly stored): queued (and the worker woken), or ignored with the reason. */
export function answerNewDelivery(
  res: ServerResponse,
  options: WebhookHandlerOptions & { observer: RelayObserver },
  records: readonly NewDelivery[],
) {
  const { deliveryId, event, action, reason, repository, issueNumber: issue } = records[0]!;
  const work = records[0]!.status === "pending";
  options.observer.delivery(event, work ? "queued" : "ignored");
  if (work) {
    const rules = records.map((record) => record.rule ?? "(matched by the worker)");
    options.logger.info("delivery queued", { deliveryId, event, action, repository, issue, rules });
    send(res, 202, { status: "queued", delivery: deliveryId });
    options.onQueued();
  } else {
    options.logger.info("delivery ignored", { deliveryId, event, action, reason });
    send(res, 202, { status: "ignored", delivery: deliveryId, reason });
  }
}
