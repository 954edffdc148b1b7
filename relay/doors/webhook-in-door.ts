import type { IncomingMessage } from "node:http";
import { Router, type RequestHandler } from "express";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { Rule } from "../../config/rules-schema.ts";
import { knownErrorAnswer, sendError } from "../../lib/error-middleware.ts";
import { HttpError } from "../../lib/http-error.ts";
import type { Logger } from "../../lib/logger.ts";
import type { DeliveryLog } from "../../store/delivery-log.ts";
import { readRawBody } from "../read-raw-body.ts";
import { webhookRecords } from "./webhook-records.ts";

export interface WebhookInDoorOptions {
  deliveries: DeliveryLog;
  /** The rules now; asked for each request, so a reload applies to the next. */
  rules: () => readonly Rule[];
  /** The secret of `webhooks.<name>` now, or null when the config file defines no usable one (404). */
  secretOf: (name: string) => string | null;
  /** Called (not awaited) once a new delivery is durably stored: wakes the worker. */
  onQueued: () => void;
  logger: Logger;
}

// An event from another system is a few kilobytes; a megabyte leaves room without holding much memory.
const maxBodyBytes = 1024 * 1024;
// The specification's ids are short tokens (msg_...); the id is part of the stored key.
const webhookIdShape = /^[\x21-\x7e]{1,200}$/;

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/**
 * `POST /webhook/in/<name>`: any system that signs per the Standard Webhooks specification. Verify,
 * store, answer: only the store's write comes before the answer, and the worker is woken, never
 * awaited. A `webhook-id` stored before is answered as a duplicate and runs nothing.
 */
export function createWebhookInDoor(options: WebhookInDoorOptions): Router {
  const router = Router();
  router.post("/webhook/in/:name", webhookIn(options));
  return router;
}

function webhookIn(options: WebhookInDoorOptions): RequestHandler {
  const { deliveries, logger } = options;
  return async (req, res) => {
    const name = String(req.params.name);
    try {
      const secret = options.secretOf(name);
      if (!secret)
        throw new HttpError(404, `No webhook named "${name}": define it under webhooks: in the config file.`);
      const text = (await readRawBody(req, maxBodyBytes)).toString("utf8");
      const webhookId = verified(secret, req, text, name, logger);
      if (!webhookIdShape.test(webhookId)) throw new HttpError(400, "webhook-id is not a short printable token.");
      try {
        JSON.parse(text);
      } catch (error) {
        throw new HttpError(400, "The body is not JSON.", { cause: error });
      }
      const records = webhookRecords(name, webhookId, text, options.rules());
      const added = await Promise.all(records.map((record) => deliveries.add(record)));
      const inserted = records.filter((_, index) => added[index]!.inserted);
      const fields = { webhook: name, deliveryId: webhookId, keys: records.map((r) => r.key) };
      res.set("cache-control", "no-store");
      if (inserted.length === 0) {
        logger.info("duplicate webhook", fields);
        return void res.status(200).json({ status: "duplicate", delivery: webhookId });
      }
      const work = inserted.some((record) => record.status === "pending");
      logger.info(work ? "webhook queued" : "webhook ignored", { ...fields, reason: inserted[0]!.reason });
      if (work) options.onQueued();
      const reason = work ? {} : { reason: inserted[0]!.reason };
      res.status(202).json({ status: work ? "queued" : "ignored", delivery: webhookId, ...reason });
    } catch (error) {
      const known = knownErrorAnswer(error);
      if (known && known.status !== 401) logger.warn("webhook refused", { webhook: name, reason: known.detail });
      if (!req.complete) res.setHeader("connection", "close");
      sendError(res, error, { logger, fields: { webhook: name } });
    }
  };
}

/** The request's `webhook-id` once its signature and timestamp hold; a 401 saying why otherwise. */
function verified(secret: string, req: IncomingMessage, text: string, name: string, logger: Logger): string {
  const headers = {
    "webhook-id": header(req, "webhook-id"),
    "webhook-timestamp": header(req, "webhook-timestamp"),
    "webhook-signature": header(req, "webhook-signature"),
  };
  try {
    new Webhook(secret).verify(text, headers, { jsonParse: false });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    logger.warn("webhook signature refused", { webhook: name, reason: error.message });
    throw new HttpError(401, `The request's signature was refused: ${error.message}.`);
  }
  return headers["webhook-id"];
}
