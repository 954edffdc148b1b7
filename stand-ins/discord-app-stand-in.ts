import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { startDiscordStandIn, type DiscordStandIn } from "./discord-stand-in.ts";

export interface DiscordAppStandIn extends DiscordStandIn {
  applicationId: string;
  /** The application's public key as the developer portal shows it (DISCORD_PUBLIC_KEY). */
  publicKeyHex: string;
  /** Discord sending a slash command `/ask question:<text>`; resolves with the app's answer. */
  command(
    interactionsUrl: string,
    command: { id: string; user: string; text: string; channel: string },
  ): Promise<Response>;
  /** The interactions' follow-ups Discord took, in order. */
  followUps(): unknown[];
  /** How long the app took to answer each interaction (Discord gives up after 3 seconds). */
  answerMs: number[];
}

const tokenMs = 15 * 60 * 1000;

/**
 * A Discord application: interactions signed with its Ed25519 key over the timestamp and body, and
 * follow-ups to `/webhooks/{application_id}/{token}` taken for 15 minutes (401 Invalid Webhook Token
 * after), refusing what Discord's execute-webhook refuses.
 */
export async function startDiscordAppStandIn(): Promise<DiscordAppStandIn> {
  const applicationId = "1090000000000000001";
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyHex = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
  const tokens = new Map<string, number>();
  const answerMs: number[] = [];
  const standIn = await startDiscordStandIn({
    interactionToken: (app, token) => {
      const expiresAt = app === applicationId ? tokens.get(token) : undefined;
      if (expiresAt === undefined) return "unknown";
      return Date.now() <= expiresAt ? "valid" : "expired";
    },
  });

  async function command(url: string, command: { id: string; user: string; text: string; channel: string }) {
    const token = `aW50ZXJhY3Rpb246${randomBytes(24).toString("base64url")}`;
    tokens.set(token, Date.now() + tokenMs);
    const body = JSON.stringify({
      id: command.id,
      application_id: applicationId,
      type: 2,
      token,
      version: 1,
      guild_id: "290926798626357999",
      channel_id: command.channel,
      member: { user: { id: command.user, username: "asker", discriminator: "0" }, roles: [] },
      data: {
        id: "771825006014889984",
        name: "ask",
        type: 1,
        options: [{ type: 3, name: "question", value: command.text }],
      },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString("hex");
    const headers = {
      "content-type": "application/json",
      "x-signature-ed25519": signature,
      "x-signature-timestamp": timestamp,
    };
    const started = Date.now();
    const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(3_000) });
    answerMs.push(Date.now() - started);
    return response;
  }

  const followUps = () =>
    standIn.received
      .filter((r) => r.path.startsWith(`/api/webhooks/${applicationId}/`) && r.status < 300)
      .map((r) => r.body);
  return { ...standIn, applicationId, publicKeyHex, command, followUps, answerMs };
}
