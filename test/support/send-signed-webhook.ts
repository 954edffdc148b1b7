import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** A Standard Webhooks secret as a sender's dashboard shows one: whsec_ and base64 of 32 bytes. */
export const signedWebhookSecret = `whsec_${Buffer.from("a-signed-webhook-secret-of-32-b!").toString("base64")}`;

export interface SignedWebhookOptions {
  secret?: string;
  id?: string;
  /** When the sender signed it (now unless given). */
  at?: Date;
  body?: unknown;
  /** Headers to change or (null) leave out. */
  headers?: Record<string, string | null>;
}

/** Sends a JSON body as a Standard Webhooks sender does: webhook-id, webhook-timestamp, webhook-signature (v1). */
export async function sendSignedWebhook(url: string, options: SignedWebhookOptions = {}) {
  const id = options.id ?? `msg_${randomUUID()}`;
  const at = options.at ?? new Date();
  const body = JSON.stringify(options.body ?? { type: "deploy.finished", environment: "production" });
  const signature = new Webhook(options.secret ?? signedWebhookSecret).sign(id, at, body);
  const headers: Record<string, string | null> = {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
    ...options.headers,
  };
  const sent = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== null));
  const response = await fetch(url, { method: "POST", headers: sent, body });
  return { id, status: response.status, answer: (await response.json()) as Record<string, unknown> };
}
