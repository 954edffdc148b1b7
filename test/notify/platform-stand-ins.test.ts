import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDiscordStandIn, type DiscordStandIn } from "../../stand-ins/discord-stand-in.ts";
import { startSlackStandIn, type SlackStandIn } from "../../stand-ins/slack-stand-in.ts";
import { startTeamsStandIn, type TeamsStandIn } from "../../stand-ins/teams-stand-in.ts";

let slack: SlackStandIn;
let discord: DiscordStandIn;
let teams: TeamsStandIn;

beforeAll(async () => {
  [slack, discord, teams] = await Promise.all([
    startSlackStandIn({ token: "xoxb-stand-in-token", channels: ["C0123456789"] }),
    startDiscordStandIn(),
    startTeamsStandIn(),
  ]);
});
afterAll(() => Promise.all([slack, discord, teams].map((standIn) => standIn?.close())));

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text };
}

// The notifier's tests trust these servers to refuse what the real services refuse.
describe("the platform stand-ins are strict", () => {
  it("Slack: a webhook without text is invalid_payload, an unknown webhook no_service, chat.postMessage checks token and channel", async () => {
    expect(await post(slack.webhookUrl, { txt: "hi" })).toEqual({ status: 400, text: "invalid_payload" });
    expect(await post(`${slack.url}/services/T0001/B0001/other`, { text: "hi" })).toEqual({
      status: 404,
      text: "no_service",
    });
    const api = `${slack.apiUrl}/chat.postMessage`;
    const message = { channel: "C0123456789", text: "hi" };
    expect(JSON.parse((await post(api, message)).text)).toEqual({ ok: false, error: "not_authed" });
    const bad = { authorization: "Bearer xoxb-other" };
    expect(JSON.parse((await post(api, message, bad)).text)).toEqual({ ok: false, error: "invalid_auth" });
    const good = { authorization: "Bearer xoxb-stand-in-token" };
    expect(JSON.parse((await post(api, { ...message, channel: "C1" }, good)).text)).toEqual({
      ok: false,
      error: "channel_not_found",
    });
    expect(JSON.parse((await post(api, message, good)).text)).toMatchObject({ ok: true, channel: "C0123456789" });
  });

  it("Discord: over 2,000 characters is 400, a wrong token 401, and a message without allowed_mentions is flagged", async () => {
    const tooLong = await post(discord.webhookUrl, { content: "x".repeat(2001), allowed_mentions: { parse: [] } });
    expect(tooLong.status).toBe(400);
    expect(JSON.parse(tooLong.text)).toMatchObject({ code: 50035 });
    expect((await post(`${discord.webhookUrl}x`, { content: "hi" })).status).toBe(401);
    expect((await post(discord.webhookUrl, { allowed_mentions: { parse: [] } })).status).toBe(400);
    expect(discord.problems).toEqual([]);
    expect((await post(discord.webhookUrl, { content: "@everyone" })).status).toBe(204);
    expect(discord.problems).toEqual(["a message without allowed_mentions {parse: []}"]);
  });

  it("Teams: a body that is not an Adaptive Card message is 400, a URL without its signature 401", async () => {
    const plain = await post(teams.webhookUrl, { text: "hi" });
    expect(plain.status).toBe(400);
    expect(plain.text).toContain('type must be \\"message\\"');
    const wrongType = { type: "message", attachments: [{ contentType: "text/plain", content: "hi" }] };
    expect((await post(teams.webhookUrl, wrongType)).status).toBe(400);
    const card = {
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          content: { type: "AdaptiveCard", version: "1.4", body: [{ type: "TextBlock", text: "hi" }] },
        },
      ],
    };
    expect((await post(teams.webhookUrl.replace(/&sig=.*$/, ""), card)).status).toBe(401);
    expect((await post(teams.webhookUrl, card)).status).toBe(202);
    expect(teams.received.map((request) => request.status)).toEqual([400, 400, 401, 202]);
  });
});
