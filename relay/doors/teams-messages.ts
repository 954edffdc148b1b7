import type { IncomingMessage } from "node:http";
import { HttpError } from "../../lib/http-error.ts";
import type { TeamsMention } from "./chat-request.ts";
import type { DoorSpec, DoorVerdict } from "./chat-door.ts";
import { isJsonObject, optionalString, parseJsonObject, requiredString, type JsonObject } from "./parse-json-object.ts";
import { teamsSignatureProblem } from "./verify-teams-signature.ts";

/** Shown in the channel at once: Teams waits 5 seconds for the webhook's reply, the run takes longer. */
export const teamsAck = "Looking into it: the answer will be posted in this channel.";

export function verifyTeamsRequest(securityToken: string): DoorSpec["verify"] {
  return (req, body, now) => {
    const value = req.headers.authorization;
    return teamsSignatureProblem(securityToken, { authorization: Array.isArray(value) ? value[0] : value, body }, now);
  };
}

/** The channel a message was posted in: channelData names it; the conversation id adds `;messageid=` in a thread. */
function channelId(activity: JsonObject): string {
  const data = isJsonObject(activity.channelData) ? activity.channelData : {};
  const channel = isJsonObject(data.channel) ? data.channel : {};
  const conversation = isJsonObject(activity.conversation) ? activity.conversation : {};
  const id =
    optionalString(data, "teamsChannelId") ??
    optionalString(channel, "id") ??
    requiredString(conversation, "id", "message's conversation");
  return id.split(";")[0]!;
}

function mention(activity: JsonObject): TeamsMention {
  const from = isJsonObject(activity.from) ? activity.from : {};
  const data = isJsonObject(activity.channelData) ? activity.channelData : {};
  const team = isJsonObject(data.team) ? data.team : {};
  return {
    platform: "teams",
    kind: "mention",
    teamId: optionalString(data, "teamsTeamId") ?? optionalString(team, "id"),
    channelId: channelId(activity),
    // The Azure AD object id is the person's across Teams; the 29: id is per app.
    userId: optionalString(from, "aadObjectId") ?? requiredString(from, "id", "message's sender"),
    userName: optionalString(from, "name"),
    text: typeof activity.text === "string" ? activity.text : "",
  };
}

/**
 * An outgoing webhook's message (someone @mentioned it in a channel): stored once per activity id and
 * answered at once with a short reply, which Teams shows in the thread; the answer follows through the
 * channel's Workflows webhook.
 */
export function readTeamsMessage(_req: IncomingMessage, body: Buffer): DoorVerdict {
  const activity = parseJsonObject(body);
  if (activity.type !== "message")
    throw new HttpError(400, `Activities of type ${String(activity.type)} are not handled; only messages are.`);
  const id = requiredString(activity, "id", "message");
  const request = mention(activity);
  return {
    answer: { status: 200, json: { type: "message", text: teamsAck } },
    store: {
      key: `teams:message:${id}`,
      deliveryId: id,
      event: "teams",
      action: "mention",
      status: "pending",
      payload: JSON.stringify(request),
    },
  };
}
