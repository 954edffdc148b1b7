import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// Real payloads recorded from GitHub, from @octokit/webhooks-examples.
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as Array<{
  name: string;
  examples: Array<Record<string, unknown>>;
}>;

export function examplePayload(event: string, action?: string): Record<string, unknown> {
  const found = examples
    .find((e) => e.name === event)
    ?.examples.find((p) => action === undefined || p.action === action);
  if (!found) throw new Error(`no recorded ${event}.${action} payload`);
  return structuredClone(found);
}

export type IssuesOpenedPayload = Record<string, unknown> & {
  action: string;
  issue: {
    number: number;
    title: string;
    body: string | null;
    labels: Array<{ name: string }>;
    user: { login: string; type: string };
    created_at: string;
  };
  repository: { name: string; full_name: string; owner: { login: string } };
  sender: { login: string; type: string };
};

// One time for every payload of a test run, so two calls with the same changes give the same body.
const loadedAt = new Date().toISOString();

/** The recorded issues.opened payload, with the changes a test needs. */
export function issuesOpened(
  changes: {
    number?: number;
    title?: string;
    body?: string | null;
    owner?: string;
    repo?: string;
    senderLogin?: string;
    senderType?: string;
    /** ISO time; now unless given, since the relay ignores an `opened` for an issue older than 72 hours. */
    createdAt?: string;
  } = {},
): IssuesOpenedPayload {
  const payload = examplePayload("issues", "opened") as IssuesOpenedPayload;
  payload.issue.created_at = changes.createdAt ?? loadedAt;
  if (changes.number !== undefined) payload.issue.number = changes.number;
  if (changes.title !== undefined) payload.issue.title = changes.title;
  if (changes.body !== undefined) payload.issue.body = changes.body;
  if (changes.owner !== undefined) payload.repository.owner.login = changes.owner;
  if (changes.repo !== undefined) payload.repository.name = changes.repo;
  payload.repository.full_name = `${payload.repository.owner.login}/${payload.repository.name}`;
  if (changes.senderLogin !== undefined) payload.sender.login = changes.senderLogin;
  if (changes.senderType !== undefined) payload.sender.type = changes.senderType;
  return payload;
}

/** `sha256=` + hex HMAC of the raw body, as GitHub signs it (checked against GitHub's test vector). */
export function signBody(secret: string, body: string | Buffer): string {
  return "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
}

export interface DeliveryOptions {
  event: string;
  payload: unknown;
  secret: string;
  deliveryId?: string;
  hookId?: string;
  signature?: string | null;
  headers?: Record<string, string | null>;
  rawBody?: string;
}

/** Sends a delivery the way GitHub does: raw JSON, signed, with GitHub's headers. */
export async function deliver(url: string, options: DeliveryOptions): Promise<Response & { deliveryId: string }> {
  const body = options.rawBody ?? JSON.stringify(options.payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  const headers: Record<string, string | null> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/044aadd",
    "x-github-event": options.event,
    "x-github-delivery": deliveryId,
    "x-github-hook-id": options.hookId ?? "424242",
    "x-github-hook-installation-target-type": "repository",
    "x-github-hook-installation-target-id": "186853002",
    "x-hub-signature-256": options.signature === undefined ? signBody(options.secret, body) : options.signature,
    ...options.headers,
  };
  const sent = Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== null),
  );
  const response = await fetch(url, { method: "POST", headers: sent, body });
  return Object.assign(response, { deliveryId });
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
