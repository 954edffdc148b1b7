import type { IncomingMessage } from "node:http";
import { HttpError } from "../../lib/http-error.ts";
import type { SlackCommand } from "./chat-request.ts";
import type { DoorVerdict } from "./chat-door.ts";

/** How long Slack accepts posts to a command's response_url. */
export const slackResponseUrlMs = 30 * 60 * 1000;

/** The text shown at once to whoever ran the command (only to them). */
export const slackCommandAck = "Got it. The answer will be posted here.";

function field(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw new HttpError(400, `The slash command has no "${name}".`);
  return value;
}

/**
 * Slack sends only https URLs; anything else in a signed body is a wrong payload, not a place to post
 * to. The one exception is the origin SLACK_API_URL points at (a test's stand-in on loopback).
 */
function responseUrl(form: URLSearchParams, apiOrigin: string): string {
  const value = field(form, "response_url");
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || (url.protocol !== "https:" && url.origin !== apiOrigin))
    throw new HttpError(400, 'The slash command\'s "response_url" is not an https URL.');
  return value;
}

/**
 * A slash command, form-encoded: stored once per `trigger_id` (unique to each invocation) and
 * acknowledged at once with a short text only its sender sees; the answer comes later through the
 * response_url.
 */
export function readSlackCommand(apiUrl: string) {
  const apiOrigin = new URL(apiUrl).origin;
  return (req: IncomingMessage, body: Buffer, now: number): DoorVerdict => readCommand(req, body, now, apiOrigin);
}

function readCommand(req: IncomingMessage, body: Buffer, now: number, apiOrigin: string): DoorVerdict {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded")
    throw new HttpError(415, "A slash command is sent as application/x-www-form-urlencoded.");
  const form = new URLSearchParams(body.toString("utf8"));
  // Slack checks the certificate of a command's URL with this request now and then.
  if (form.get("ssl_check") === "1") return { answer: { status: 200 }, note: "ssl_check" };
  const triggerId = field(form, "trigger_id");
  const request: SlackCommand = {
    platform: "slack",
    kind: "command",
    teamId: form.get("team_id") || null,
    channelId: field(form, "channel_id"),
    userId: field(form, "user_id"),
    text: form.get("text") ?? "",
    command: field(form, "command"),
    responseUrl: responseUrl(form, apiOrigin),
    expiresAt: now + slackResponseUrlMs,
  };
  return {
    answer: { status: 200, json: { response_type: "ephemeral", text: slackCommandAck } },
    store: {
      key: `slack:command:${triggerId}`,
      deliveryId: triggerId,
      event: "slack",
      action: "command",
      status: "pending",
      payload: JSON.stringify(request),
    },
  };
}
