import type { IncomingMessage } from "node:http";
import { HttpError } from "../lib/http-error.ts";
import type { Logger } from "../lib/logger.ts";
import { checkContentType, parsePayload } from "./parse-payload.ts";
import { readRawBody } from "./read-raw-body.ts";

export interface GitHubDelivery {
  deliveryId: string;
  event: string;
  payload: Record<string, unknown>;
  /** The payload's JSON text, as stored for the worker to read back. */
  json: string;
}

/** What the headers alone say about a webhook request: enough to refuse it before reading its body. */
export interface DeliveryHeaders {
  deliveryId: string;
  event: string;
  signature: string;
  /** From Content-Length; undefined for a chunked body. */
  length: number | undefined;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

function declaredLength(req: IncomingMessage): number | undefined {
  const value = req.headers["content-length"];
  if (value === undefined) return undefined;
  const length = Number(value);
  if (!Number.isSafeInteger(length) || length < 0) throw new HttpError(400, "Content-Length is not a byte count.");
  return length;
}

/**
 * Checks GitHub's headers before a byte of the body is read, so a request that cannot be a
 * delivery costs the relay no memory.
 */
export function readDeliveryHeaders(
  req: IncomingMessage,
  options: { maxBodyBytes: number; formEncoded: boolean; logger: Logger },
): DeliveryHeaders {
  const deliveryId = header(req, "x-github-delivery");
  const length = declaredLength(req);
  // GitHub never sends an empty body.
  if (length === 0) throw new HttpError(400, "The body is empty.");
  const signature = header(req, "x-hub-signature-256");
  if (!signature) {
    options.logger.warn("webhook signature missing", { deliveryId: deliveryId ?? null });
    throw new HttpError(401, "Missing X-Hub-Signature-256. Set a secret in the webhook's settings.");
  }
  const event = header(req, "x-github-event");
  if (!event || !deliveryId) throw new HttpError(400, "Missing X-GitHub-Event or X-GitHub-Delivery header.");
  checkContentType(header(req, "content-type"), options.formEncoded);
  if (length !== undefined && length > options.maxBodyBytes)
    throw new HttpError(413, `The body is larger than ${options.maxBodyBytes} bytes.`);
  return { deliveryId, event, signature, length };
}

/** Reads a webhook request's body, checks its signature, and parses its payload; an HttpError says what is wrong. */
export async function readGitHubDelivery(
  req: IncomingMessage,
  headers: DeliveryHeaders,
  options: {
    verifySignature: (body: string, signature: string | undefined) => Promise<boolean>;
    maxBodyBytes: number;
    logger: Logger;
  },
): Promise<GitHubDelivery> {
  const { deliveryId, event } = headers;
  const raw = await readRawBody(req, options.maxBodyBytes);
  if (raw.length === 0) throw new HttpError(400, "The body is empty.");
  // Decoded once: verified, parsed and stored as the same text.
  const text = raw.toString("utf8");
  if (!(await options.verifySignature(text, headers.signature))) {
    options.logger.warn("webhook signature wrong", { deliveryId });
    throw new HttpError(
      401,
      "Wrong X-Hub-Signature-256. Check that the webhook's secret matches GITHUB_WEBHOOK_SECRET.",
    );
  }
  const { payload, json } = parsePayload(text, header(req, "content-type"));
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    throw new HttpError(400, "The payload is not a JSON object.");
  return { deliveryId, event, payload: payload as Record<string, unknown>, json };
}
