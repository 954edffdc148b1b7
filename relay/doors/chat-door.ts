import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { knownErrorAnswer, sendError } from "../../lib/error-middleware.ts";
import { HttpError } from "../../lib/http-error.ts";
import type { Logger } from "../../lib/logger.ts";
import type { DeliveryLog, NewDelivery } from "../../store/delivery-log.ts";
import { readRawBody } from "../read-raw-body.ts";

export interface ChatDoorOptions {
  deliveries: DeliveryLog;
  /** Called (not awaited) once a new request is durably stored: wakes the worker. */
  onQueued: () => void;
  logger: Logger;
  now?: () => number;
}

/** What a door makes of one verified request: the answer, and the delivery to store first, if any. */
export interface DoorVerdict {
  answer: { status: number; json?: object };
  store?: NewDelivery;
  /** Logged with the outcome: why nothing was stored, for instance. */
  note?: string;
}

export interface DoorSpec {
  name: "slack events" | "slack commands" | "discord" | "teams";
  /** The reason the request is not the platform's (bad or stale signature), or null. */
  verify: (req: IncomingMessage, body: Buffer, now: number) => string | null;
  read: (req: IncomingMessage, body: Buffer, now: number) => DoorVerdict;
}

// Slack, Discord and Teams send a few kilobytes; a megabyte leaves room without holding much memory.
const maxBodyBytes = 1024 * 1024;

/**
 * Verify, store, answer: the platforms wait 3 seconds, so only the store's write comes before the
 * answer, and the worker is woken, never awaited. A request whose key was stored before (Slack's
 * retries, a replay) is answered the same and stored once.
 */
export function chatDoor(spec: DoorSpec, options: ChatDoorOptions): RequestHandler {
  const { deliveries, logger } = options;
  const now = options.now ?? Date.now;
  return async (req, res) => {
    try {
      const body = await readRawBody(req, maxBodyBytes);
      const at = now();
      const problem = spec.verify(req, body, at);
      if (problem) {
        logger.warn("chat request refused", { door: spec.name, reason: problem });
        throw new HttpError(401, `The request's signature was refused: ${problem}.`);
      }
      const verdict = spec.read(req, body, at);
      if (verdict.store) await store(verdict.store, verdict.note);
      else if (verdict.note)
        logger.info("chat request answered, nothing stored", { door: spec.name, note: verdict.note });
      const { status, json } = verdict.answer;
      res.set("cache-control", "no-store");
      if (json) res.status(status).json(json);
      else res.status(status).end();
    } catch (error) {
      const known = knownErrorAnswer(error);
      if (known && known.status !== 401) logger.warn("chat request refused", { door: spec.name, reason: known.detail });
      if (!req.complete) res.setHeader("connection", "close");
      sendError(res, error, { logger, fields: { door: spec.name } });
    }
  };

  async function store(delivery: NewDelivery, note: string | undefined) {
    const { inserted } = await deliveries.add(delivery);
    const fields = { door: spec.name, deliveryId: delivery.deliveryId, event: delivery.event, note };
    if (!inserted) return logger.info("chat request stored before; answered again", fields);
    logger.info("chat request stored", fields);
    options.onQueued();
  }
}
