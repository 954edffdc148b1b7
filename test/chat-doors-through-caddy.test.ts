import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caddyBinary, startCaddy, type RunningCaddy } from "./support/start-caddy.ts";
import { startSystem, type System } from "./support/system.ts";
import { discordPing, slackMention } from "./support/chat-payloads.ts";
import { discordHeaders, discordKeys, slackHeaders } from "./support/sign-chat-requests.ts";

const inCi = process.env.OPENWEBUI_GITHUB_CI === "1";
const slackSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const discord = discordKeys();
const json = { "content-type": "application/json" };

describe.skipIf(!caddyBinary && !inCi)("the chat doors through Caddy", () => {
  let system: System;
  let caddy: RunningCaddy;

  beforeAll(async () => {
    system = await startSystem({
      relayEnv: {
        SLACK_SIGNING_SECRET: slackSecret,
        SLACK_BOT_TOKEN: "xoxb-through-caddy-0123",
        DISCORD_PUBLIC_KEY: discord.publicKeyHex,
        DISCORD_APPLICATION_ID: "1090000000000000001",
        RELAY_WORKER: "false",
      },
    });
    caddy = await startCaddy({ relay: system.relayUrl, openWebUI: system.openWebUI.url });
  });
  afterAll(async () => {
    await caddy?.close();
    await system?.close();
  });

  it("routes /slack/* and /discord/* to the relay, the bytes unchanged and the answers never cached", async () => {
    const mention = JSON.stringify(slackMention("EvCADDY1"));
    const slack = await fetch(`${caddy.siteUrl}/slack/events`, {
      method: "POST",
      body: mention,
      headers: { ...json, ...slackHeaders(slackSecret, mention) },
    });
    expect(slack.status).toBe(200);
    expect(slack.headers.get("cache-control")).toBe("no-store, no-cache, must-revalidate");
    expect((await system.stores.deliveries.findByDeliveryId("EvCADDY1"))?.event).toBe("slack");

    const ping = JSON.stringify(discordPing());
    const headers = { ...json, ...discordHeaders(discord.privateKey, ping) };
    const pong = await fetch(`${caddy.siteUrl}/discord/interactions`, { method: "POST", body: ping, headers });
    expect(pong.status).toBe(200);
    expect(await pong.json()).toEqual({ type: 1 });
    expect(pong.headers.get("cache-control")).toBe("no-store, no-cache, must-revalidate");
    const forged = { ...json, ...discordHeaders(discordKeys().privateKey, ping) };
    expect(
      (await fetch(`${caddy.siteUrl}/discord/interactions`, { method: "POST", body: ping, headers: forged })).status,
    ).toBe(401);
  });
});
