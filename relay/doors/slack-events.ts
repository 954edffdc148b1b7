import type { IncomingMessage } from "node:http";
import { HttpError } from "../../lib/http-error.ts";
import type { SlackMention } from "./chat-request.ts";
import type { DoorSpec, DoorVerdict } from "./chat-door.ts";
import { isJsonObject, optionalString, parseJsonObject, requiredString, type JsonObject } from "./parse-json-object.ts";
import { slackSignatureProblem } from "./verify-slack-signature.ts";

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Slack's signature check, shared by the Events API and slash commands. */
export function verifySlackRequest(secret: string): DoorSpec["verify"] {
  return (req, body, now) =>
    slackSignatureProblem(
      secret,
      { timestamp: header(req, "x-slack-request-timestamp"), signature: header(req, "x-slack-signature"), body },
      now,
    );
}

const acknowledged: DoorVerdict["answer"] = { status: 200 };

/** A bot's message (ours among them) must never start a run: answering it could loop. */
function botReason(event: JsonObject): string | null {
  if (optionalString(event, "bot_id")) return "the message was posted by a bot";
  if (event.subtype === "bot_message") return "the message is a bot_message";
  return null;
}

function mention(payload: JsonObject, event: JsonObject): SlackMention {
  const where = "app_mention event";
  const ts = requiredString(event, "ts", where);
  return {
    platform: "slack",
    kind: "app_mention",
    teamId: optionalString(payload, "team_id") ?? optionalString(event, "team"),
    channelId: requiredString(event, "channel", where),
    userId: requiredString(event, "user", where),
    text: typeof event.text === "string" ? event.text : "",
    threadTs: optionalString(event, "thread_ts") ?? ts,
  };
}

/**
 * The Events API: the URL's verification handshake, and `app_mention` events stored once per
 * `event_id` (Slack retries an event it got no answer to within 3 seconds, with the same id).
 */
export function readSlackEvent(_req: IncomingMessage, body: Buffer): DoorVerdict {
  const payload = parseJsonObject(body);
  if (payload.type === "url_verification") {
    const challenge = requiredString(payload, "challenge", "url_verification request");
    return { answer: { status: 200, json: { challenge } }, note: "url_verification" };
  }
  if (payload.type !== "event_callback")
    return { answer: acknowledged, note: `Slack request type ${String(payload.type)} is not handled` };
  const event = payload.event;
  if (!isJsonObject(event)) throw new HttpError(400, 'The event_callback has no "event" object.');
  const eventId = requiredString(payload, "event_id", "event_callback");
  if (event.type !== "app_mention")
    return { answer: acknowledged, note: `Slack event ${String(event.type)} is not handled` };
  const bot = botReason(event);
  if (bot) return { answer: acknowledged, note: bot };
  let request: SlackMention;
  try {
    request = mention(payload, event);
  } catch (error) {
    // Refusing a signed event makes Slack retry it, and enough failures turn the app's events off.
    if (error instanceof HttpError) return { answer: acknowledged, note: `unusable app_mention: ${error.detail}` };
    throw error;
  }
  return {
    answer: acknowledged,
    store: {
      key: `slack:event:${eventId}`,
      deliveryId: eventId,
      event: "slack",
      action: "app_mention",
      status: "pending",
      payload: JSON.stringify(request),
    },
  };
}
