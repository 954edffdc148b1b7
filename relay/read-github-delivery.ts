import type { IncomingMessage } from "node:http";
import { HttpError } from "../lib/http-error.ts";
import type { Logger } from "../lib/logger.ts";
import { readRawBody } from "./read-raw-body.ts";

export interface GitHubDelivery {
  deliveryId: string;
  event: string;
  payload: Record<string, unknown>;
  /** The payload's JSON text, as stored for the worker to read back. */
  json: string;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/** The payload and its JSON text (what the worker will read back). */
function parsePayload(body: string, contentType: string | undefined): { payload: unknown; json: string } {
  // A hook set to "application/x-www-form-urlencoded" sends the JSON in a `payload` field.
  const json = contentType?.startsWith("application/x-www-form-urlencoded")
    ? (new URLSearchParams(body).get("payload") ?? "")
    : body;
  try {
    return { payload: JSON.parse(json), json };
  } catch {
    throw new HttpError(400, "The body is not valid JSON.");
  }
}

/** Reads a webhook request's body, checks its signature and headers, and parses its payload; an HttpError says what is wrong. */
export async function readGitHubDelivery(
  req: IncomingMessage,
  options: {
    verifySignature: (body: string, signature: string | undefined) => Promise<boolean>;
    maxBodyBytes: number;
    logger: Logger;
  },
): Promise<GitHubDelivery> {
  const deliveryId = header(req, "x-github-delivery");
  const raw = await readRawBody(req, options.maxBodyBytes);
  // GitHub never sends an empty body.
  if (raw.length === 0) throw new HttpError(400, "The body is empty.");
  // Decoded once: verified, parsed and stored as the same text.
  const text = raw.toString("utf8");
  if (!(await options.verifySignature(text, header(req, "x-hub-signature-256")))) {
    options.logger.warn("webhook signature missing or wrong", { deliveryId: deliveryId ?? null });
    throw new HttpError(
      401,
      "Missing or wrong X-Hub-Signature-256. Check that the webhook's secret matches GITHUB_WEBHOOK_SECRET.",
    );
  }
  const event = header(req, "x-github-event");
  if (!event || !deliveryId) throw new HttpError(400, "Missing X-GitHub-Event or X-GitHub-Delivery header.");
  const { payload, json } = parsePayload(text, header(req, "content-type"));
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    throw new HttpError(400, "The payload is not a JSON object.");
  return { deliveryId, event, payload: payload as Record<string, unknown>, json };
}
