import type { IncomingMessage } from "node:http";
import type { KeyObject } from "node:crypto";
import { HttpError } from "../../lib/http-error.ts";
import type { DiscordCommand } from "./chat-request.ts";
import type { DoorSpec, DoorVerdict } from "./chat-door.ts";
import { isJsonObject, optionalString, parseJsonObject, requiredString, type JsonObject } from "./parse-json-object.ts";
import { discordSignatureProblem } from "./verify-discord-signature.ts";

/** How long Discord accepts follow-ups with an interaction's token. */
export const discordTokenMs = 15 * 60 * 1000;

// Interaction types and callback types, from Discord's interactions reference.
const ping = 1;
const applicationCommand = 2;
const pong = 1;
const deferredChannelMessage = 5;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function verifyDiscordRequest(key: KeyObject): DoorSpec["verify"] {
  return (req, body, now) =>
    discordSignatureProblem(
      key,
      { timestamp: header(req, "x-signature-timestamp"), signature: header(req, "x-signature-ed25519"), body },
      now,
    );
}

/** The command's options as the question: `/ask question: what is octo/app#12 about?` gives the text. */
function optionsText(data: JsonObject): string {
  const options = Array.isArray(data.options) ? data.options : [];
  return options
    .filter(isJsonObject)
    .map((option) => option.value)
    .filter((value) => ["string", "number", "boolean"].includes(typeof value))
    .join(" ");
}

/** The user is under `member.user` in a server and under `user` in a direct message. */
function userId(payload: JsonObject): string {
  const member = isJsonObject(payload.member) ? payload.member : {};
  const user = isJsonObject(member.user) ? member.user : isJsonObject(payload.user) ? payload.user : {};
  return requiredString(user, "id", "interaction's user");
}

function command(payload: JsonObject, now: number): DiscordCommand {
  const where = "application command";
  const data = isJsonObject(payload.data) ? payload.data : {};
  const channel = isJsonObject(payload.channel) ? payload.channel : {};
  return {
    platform: "discord",
    kind: "command",
    teamId: optionalString(payload, "guild_id"),
    channelId: optionalString(payload, "channel_id") ?? requiredString(channel, "id", `${where}'s channel`),
    userId: userId(payload),
    text: optionsText(data),
    command: requiredString(data, "name", `${where}'s data`),
    applicationId: requiredString(payload, "application_id", where),
    interactionToken: requiredString(payload, "token", where),
    expiresAt: now + discordTokenMs,
  };
}

/**
 * PING answered; an application command of DISCORD_APPLICATION_ID stored once per interaction id and
 * deferred (type 5): its follow-up is sent as that application.
 */
export function readDiscordInteraction(applicationId: string) {
  return (_req: IncomingMessage, body: Buffer, now: number): DoorVerdict => readInteraction(body, now, applicationId);
}

function readInteraction(body: Buffer, now: number, applicationId: string): DoorVerdict {
  const payload = parseJsonObject(body);
  if (payload.type === ping) return { answer: { status: 200, json: { type: pong } }, note: "PING" };
  if (payload.type !== applicationCommand)
    throw new HttpError(400, `Interactions of type ${String(payload.type)} are not handled; only slash commands are.`);
  const id = requiredString(payload, "id", "interaction");
  const request = command(payload, now);
  if (request.applicationId !== applicationId)
    throw new HttpError(400, "The interaction is for another application than DISCORD_APPLICATION_ID.");
  return {
    answer: { status: 200, json: { type: deferredChannelMessage } },
    store: {
      key: `discord:interaction:${id}`,
      deliveryId: id,
      event: "discord",
      action: "command",
      status: "pending",
      payload: JSON.stringify(request),
    },
  };
}
