import { createHmac, randomBytes } from "node:crypto";
import { startTeamsStandIn, type TeamsStandIn } from "./teams-stand-in.ts";

export interface TeamsOutgoingStandIn extends TeamsStandIn {
  /** The outgoing webhook's security token as Teams shows it once (TEAMS_WEBHOOK_SECRET). */
  securityToken: string;
  /** Teams sending a channel message that @mentions the webhook; resolves with the webhook's reply. */
  mention(
    url: string,
    message: { id: string; text: string; channelId: string; user: { aadObjectId: string; name: string } },
  ): Promise<Response>;
  /** How long the webhook took to reply to each message (Teams gives up after 5 seconds). */
  answerMs: number[];
}

/**
 * A Teams team with an outgoing webhook: each message is signed `Authorization: HMAC <base64>` (HMAC-
 * SHA256 of the body, keyed with the decoded security token), and the reply must come within 5
 * seconds as a message activity; a late or misshapen reply is noted in `problems`. The channel's
 * Workflows webhook, where the full answer goes, is the Teams stand-in's.
 */
export async function startTeamsOutgoingStandIn(): Promise<TeamsOutgoingStandIn> {
  const standIn = await startTeamsStandIn();
  const securityToken = randomBytes(32).toString("base64");
  const answerMs: number[] = [];

  async function mention(url: string, message: Parameters<TeamsOutgoingStandIn["mention"]>[1]) {
    const now = new Date().toISOString();
    const body = JSON.stringify({
      type: "message",
      id: message.id,
      timestamp: now,
      localTimestamp: now,
      serviceUrl: "https://smba.trafficmanager.net/amer/",
      channelId: "msteams",
      from: { id: `29:${message.user.aadObjectId}`, name: message.user.name, aadObjectId: message.user.aadObjectId },
      conversation: { isGroup: true, id: `${message.channelId};messageid=${message.id}`, conversationType: "channel" },
      recipient: null,
      textFormat: "plain",
      text: message.text,
      attachments: [{ contentType: "text/html", content: `<div>${message.text}</div>` }],
      entities: [{ type: "clientInfo", locale: "en-US", country: "US", platform: "Web" }],
      channelData: {
        teamsChannelId: message.channelId,
        teamsTeamId: "19:team0000000000000000000000000000@thread.tacv2",
        channel: { id: message.channelId },
        team: { id: "19:team0000000000000000000000000000@thread.tacv2" },
        tenant: { id: "72f988bf-86f1-41af-91ab-2d7cd011db47" },
      },
      locale: "en-US",
    });
    const hmac = createHmac("sha256", Buffer.from(securityToken, "base64")).update(body).digest("base64");
    const started = Date.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", authorization: `HMAC ${hmac}` },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    answerMs.push(Date.now() - started);
    if (response.ok) {
      const reply = (await response.clone().json()) as { type?: unknown; text?: unknown };
      if (reply.type !== "message" || typeof reply.text !== "string")
        standIn.problems.push("a reply that is not a message");
    }
    return response;
  }

  return { ...standIn, securityToken, mention, answerMs };
}
