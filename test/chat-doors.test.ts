import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../relay/doors/chat-request.ts";
import { teamsAck } from "../relay/doors/teams-messages.ts";
import { slackCommandAck } from "../relay/doors/slack-commands.ts";
import { startSystem, type System } from "./support/system.ts";
import { storeBackends } from "./support/store-backends.ts";
import { discordCommand, discordPing, slackCommandForm, slackMention, teamsMessage } from "./support/chat-payloads.ts";
import { discordHeaders, discordKeys, slackHeaders, teamsHeaders, unixSeconds } from "./support/sign-chat-requests.ts";

const slackSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const adminToken = "relay-admin-token-chat-0123456789";
const discord = discordKeys();
const teamsToken = Buffer.from("teams-outgoing-webhook-security-token").toString("base64");

const backends = storeBackends();

describe.each(backends)("the chat doors on $name", (backend) => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem({
      ...backend.options(),
      relayEnv: {
        SLACK_SIGNING_SECRET: slackSecret,
        SLACK_BOT_TOKEN: "xoxb-chat-doors-0123456789",
        DISCORD_PUBLIC_KEY: discord.publicKeyHex,
        DISCORD_APPLICATION_ID: "1090000000000000001",
        TEAMS_WEBHOOK_SECRET: teamsToken,
        // The doors alone: what the worker makes of a stored request is test/chat-answers.test.ts's.
        RELAY_WORKER: "false",
        RELAY_ADMIN_TOKEN: adminToken,
      },
    });
  });
  afterAll(async () => {
    await system?.close();
  });

  function post(path: string, body: string, headers: Record<string, string>) {
    return fetch(`${system.relayUrl}${path}`, { method: "POST", body, headers });
  }

  const json = { "content-type": "application/json" };
  const form = { "content-type": "application/x-www-form-urlencoded" };

  async function stored(deliveryId: string) {
    const all = await system.stores.deliveries.list({ limit: 500 });
    return all.filter((d) => d.deliveryId === deliveryId);
  }

  async function chatRequestOf(deliveryId: string): Promise<ChatRequest> {
    const [record] = await stored(deliveryId);
    return JSON.parse(record!.payload!) as ChatRequest;
  }

  describe("the Slack door", () => {
    it("answers the Events API's url_verification with its challenge", async () => {
      const body = JSON.stringify({
        token: "x",
        challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        type: "url_verification",
      });
      const res = await post("/slack/events", body, { ...json, ...slackHeaders(slackSecret, body) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
    });

    it("stores a signed app_mention once, however often Slack retries it", async () => {
      const body = JSON.stringify(slackMention("EvMENTION1"));
      const first = await post("/slack/events", body, { ...json, ...slackHeaders(slackSecret, body) });
      expect(first.status).toBe(200);
      for (const retry of ["1", "2"]) {
        const again = await post("/slack/events", body, {
          ...json,
          ...slackHeaders(slackSecret, body),
          "x-slack-retry-num": retry,
          "x-slack-retry-reason": "http_timeout",
        });
        expect(again.status).toBe(200);
      }
      expect(await stored("EvMENTION1")).toHaveLength(1);
      expect(await chatRequestOf("EvMENTION1")).toEqual({
        platform: "slack",
        kind: "app_mention",
        teamId: "T061EG9R6",
        channelId: "C0LAN2Q65",
        userId: "U061F7AUR",
        text: "<@U0LAN0Z89> what is octo/app#12 about?",
        threadTs: "1515449522.000016",
      });
      expect((await stored("EvMENTION1"))[0]).toMatchObject({
        event: "slack",
        action: "app_mention",
        status: "pending",
      });
    });

    it("answers a mention inside a thread in that thread", async () => {
      const body = JSON.stringify(slackMention("EvTHREAD1", { thread_ts: "1515449000.000001" }));
      expect((await post("/slack/events", body, { ...json, ...slackHeaders(slackSecret, body) })).status).toBe(200);
      expect(await chatRequestOf("EvTHREAD1")).toMatchObject({ threadTs: "1515449000.000001" });
    });

    it("never stores a bot's message (ours would loop)", async () => {
      for (const [id, extra] of [
        ["EvBOT1", { bot_id: "B0123BOT" }],
        ["EvBOT2", { subtype: "bot_message" }],
      ] as const) {
        const body = JSON.stringify(slackMention(id, extra));
        expect((await post("/slack/events", body, { ...json, ...slackHeaders(slackSecret, body) })).status).toBe(200);
        expect(await stored(id)).toEqual([]);
      }
    });

    it("acknowledges, and does not store, a signed mention it cannot answer (no channel), so Slack does not retry it", async () => {
      const payload = slackMention("EvNOCHANNEL");
      delete (payload.event as Record<string, unknown>).channel;
      const body = JSON.stringify(payload);
      expect((await post("/slack/events", body, { ...json, ...slackHeaders(slackSecret, body) })).status).toBe(200);
      expect(await stored("EvNOCHANNEL")).toEqual([]);
      expect(system.logs.join("\n")).toContain('unusable app_mention: The app_mention event has no \\"channel\\"');
    });

    it("refuses, and stores nothing from, a request not signed by Slack just now", async () => {
      const body = JSON.stringify(slackMention("EvREFUSED"));
      const valid = slackHeaders(slackSecret, body);
      const cases: Array<[string, string, Record<string, string>]> = [
        ["another secret", body, slackHeaders("another-signing-secret-0123456789", body)],
        ["no signature", body, { "x-slack-request-timestamp": valid["x-slack-request-timestamp"]! }],
        ["no timestamp", body, { "x-slack-signature": valid["x-slack-signature"]! }],
        ["a timestamp 6 minutes old", body, slackHeaders(slackSecret, body, unixSeconds(-6 * 60_000))],
        ["a timestamp 6 minutes ahead", body, slackHeaders(slackSecret, body, unixSeconds(6 * 60_000))],
        ["a body changed after signing", body.replace("octo/app#12", "octo/app#13"), valid],
      ];
      for (const [what, sent, headers] of cases) {
        const res = await post("/slack/events", sent, { ...json, ...headers });
        expect(res.status, what).toBe(401);
      }
      expect(await stored("EvREFUSED")).toEqual([]);
    });

    it("acknowledges a slash command at once with a short text and stores where to answer", async () => {
      const body = slackCommandForm("trigger.COMMAND1");
      const before = Date.now();
      const res = await post("/slack/commands", body, { ...form, ...slackHeaders(slackSecret, body) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ response_type: "ephemeral", text: slackCommandAck });
      const again = await post("/slack/commands", body, { ...form, ...slackHeaders(slackSecret, body) });
      expect(again.status).toBe(200);
      expect(await stored("trigger.COMMAND1")).toHaveLength(1);
      const request = await chatRequestOf("trigger.COMMAND1");
      expect(request).toMatchObject({
        platform: "slack",
        kind: "command",
        teamId: "T0001",
        channelId: "C2147483705",
        userId: "U2147483697",
        command: "/ask",
        text: "what is octo/app#12 about?",
        responseUrl: "https://hooks.slack.com/commands/1234/5678",
      });
      if (request.kind !== "command" || request.platform !== "slack") throw new Error("not a Slack command");
      expect(request.expiresAt).toBeGreaterThanOrEqual(before + 29 * 60_000);
      expect(request.expiresAt).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
    });

    it("refuses a slash command signed with another secret", async () => {
      const body = slackCommandForm("trigger.REFUSED");
      const res = await post("/slack/commands", body, {
        ...form,
        ...slackHeaders("another-signing-secret-0123456789", body),
      });
      expect(res.status).toBe(401);
      expect(await stored("trigger.REFUSED")).toEqual([]);
    });
  });

  describe("the Discord door", () => {
    it("answers a signed PING with type 1, and refuses one signed by another key with 401", async () => {
      const body = JSON.stringify(discordPing());
      const res = await post("/discord/interactions", body, { ...json, ...discordHeaders(discord.privateKey, body) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ type: 1 });
      const forged = await post("/discord/interactions", body, {
        ...json,
        ...discordHeaders(discordKeys().privateKey, body),
      });
      expect(forged.status).toBe(401);
    });

    it("defers a slash command (type 5) and stores it once per interaction id with what the follow-up needs", async () => {
      const body = JSON.stringify(discordCommand("1114556677889900201"));
      const before = Date.now();
      for (let i = 0; i < 2; i++) {
        const res = await post("/discord/interactions", body, { ...json, ...discordHeaders(discord.privateKey, body) });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ type: 5 });
      }
      expect(await stored("1114556677889900201")).toHaveLength(1);
      const request = await chatRequestOf("1114556677889900201");
      expect(request).toMatchObject({
        platform: "discord",
        kind: "command",
        teamId: "290926798626357999",
        channelId: "645027906669510667",
        userId: "53908232506183680",
        command: "ask",
        text: "what is octo/app#12 about?",
        applicationId: "1090000000000000001",
        interactionToken: "aW50ZXJhY3Rpb246MTExNDU1NjY3Nzg4OTkwMDExMjpzZWNyZXQ",
      });
      if (request.platform !== "discord") throw new Error("not a Discord command");
      expect(request.expiresAt).toBeGreaterThanOrEqual(before + 14 * 60_000);
      expect(request.expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
      expect((await stored("1114556677889900201"))[0]).toMatchObject({
        event: "discord",
        action: "command",
        status: "pending",
      });
    });

    it("refuses, and stores nothing from, an interaction not signed by the application just now", async () => {
      const body = JSON.stringify(discordCommand("1114556677889900999"));
      const valid = discordHeaders(discord.privateKey, body);
      const cases: Array<[string, string, Record<string, string>]> = [
        ["no signature", body, { "x-signature-timestamp": valid["x-signature-timestamp"]! }],
        ["no timestamp", body, { "x-signature-ed25519": valid["x-signature-ed25519"]! }],
        ["a timestamp 6 minutes old", body, discordHeaders(discord.privateKey, body, unixSeconds(-6 * 60_000))],
        ["a body changed after signing", body.replace("octo/app#12", "octo/app#13"), valid],
        ["a timestamp changed after signing", body, { ...valid, "x-signature-timestamp": unixSeconds(-1000) }],
      ];
      for (const [what, sent, headers] of cases) {
        const res = await post("/discord/interactions", sent, { ...json, ...headers });
        expect(res.status, what).toBe(401);
      }
      expect(await stored("1114556677889900999")).toEqual([]);
    });
  });

  describe("chat requests on the deliveries page and in the admin API", () => {
    it("are listed with the rest, by platform and kind, without their answer's credentials", async () => {
      const mention = JSON.stringify(slackMention("EvLISTED1"));
      await post("/slack/events", mention, { ...json, ...slackHeaders(slackSecret, mention) });
      const command = JSON.stringify(discordCommand("1114556677889900333"));
      await post("/discord/interactions", command, { ...json, ...discordHeaders(discord.privateKey, command) });

      const api = await fetch(`${system.relayUrl}/api/deliveries`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(api.status).toBe(200);
      const text = await api.text();
      const { deliveries } = JSON.parse(text) as { deliveries: Array<Record<string, unknown>> };
      expect(deliveries.find((d) => d.deliveryId === "EvLISTED1")).toMatchObject({
        event: "slack",
        action: "app_mention",
      });
      expect(deliveries.find((d) => d.deliveryId === "1114556677889900333")).toMatchObject({
        event: "discord",
        action: "command",
        status: "pending",
      });
      // The interaction token lets whoever holds it post as the application for 15 minutes.
      expect(text).not.toContain(discordCommand().token);

      const signIn = await fetch(`${system.relayUrl}/deliveries/sign-in`, {
        method: "POST",
        headers: form,
        body: new URLSearchParams({ token: adminToken }),
        redirect: "manual",
      });
      const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
      const page = await fetch(`${system.relayUrl}/deliveries`, { headers: { cookie } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/<tr data-delivery-id="EvLISTED1">[\s\S]*?<td>slack\.app_mention<\/td>/);
      expect(html).toMatch(/<tr data-delivery-id="1114556677889900333">[\s\S]*?<td>discord\.command<\/td>/);
      expect(html).not.toContain(discordCommand().token);
    });
  });

  describe("the Teams door", () => {
    it("replies to a signed mention at once with a short message, and stores it once however often it is replayed", async () => {
      const body = JSON.stringify(teamsMessage("1485983408600"));
      for (let i = 0; i < 2; i++) {
        const started = Date.now();
        const res = await post("/teams/messages", body, { ...json, ...teamsHeaders(teamsToken, body) });
        expect(res.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(await res.json()).toEqual({ type: "message", text: teamsAck });
      }
      expect(await stored("1485983408600")).toHaveLength(1);
      expect(await chatRequestOf("1485983408600")).toEqual({
        platform: "teams",
        kind: "mention",
        teamId: "19:712d2f1e2bab4b02a9b2ae8c2b3c1a5e@thread.skype",
        channelId: "19:253b1f341670408fb6fe51050b6e5ceb@thread.skype",
        userId: "aad-tim-0001",
        userName: "Tim Jones",
        text: "<at>GitHub</at> what is octo/app#12 about?",
      });
    });

    it("refuses, and stores nothing from, a message not signed with the webhook's token, or sent more than 5 minutes ago", async () => {
      const body = JSON.stringify(teamsMessage("1485983408999"));
      const stale = JSON.stringify(teamsMessage("1485983408999", new Date(Date.now() - 6 * 60_000)));
      const ahead = JSON.stringify(teamsMessage("1485983408999", new Date(Date.now() + 6 * 60_000)));
      const valid = teamsHeaders(teamsToken, body);
      const cases: Array<[string, string, Record<string, string>]> = [
        ["another token", body, teamsHeaders(Buffer.from("another-security-token-0123").toString("base64"), body)],
        ["no signature", body, {}],
        ["a bearer token instead", body, { authorization: "Bearer abc" }],
        ["a body changed after signing", body.replace("octo/app#12", "octo/app#13"), valid],
        ["a message 6 minutes old", stale, teamsHeaders(teamsToken, stale)],
        ["a message 6 minutes ahead", ahead, teamsHeaders(teamsToken, ahead)],
      ];
      for (const [what, sent, headers] of cases) {
        const res = await post("/teams/messages", sent, { ...json, ...headers });
        expect(res.status, what).toBe(401);
      }
      expect(await stored("1485983408999")).toEqual([]);
    });
  });

  describe("the chat doors without their settings", () => {
    it("answer mentions in Slack only with SLACK_BOT_TOKEN (they are answered with chat.postMessage)", async () => {
      await system.stopRelay();
      await system.startRelay({ SLACK_BOT_TOKEN: "" });
      const body = JSON.stringify(slackMention("EvNOBOT1"));
      expect((await post("/slack/events", body, { ...json, ...slackHeaders(slackSecret, body) })).status).toBe(404);
      const command = slackCommandForm("trigger.NOBOT");
      const res = await post("/slack/commands", command, { ...form, ...slackHeaders(slackSecret, command) });
      expect(res.status).toBe(200);
    });

    it("are not found (404) when their settings are empty", async () => {
      await system.stopRelay();
      const off = {
        SLACK_SIGNING_SECRET: "",
        DISCORD_PUBLIC_KEY: "",
        DISCORD_APPLICATION_ID: "",
        TEAMS_WEBHOOK_SECRET: "",
      };
      await system.startRelay(off);
      const body = JSON.stringify(slackMention("EvOFF1"));
      expect((await post("/slack/events", body, { ...json, ...slackHeaders(slackSecret, body) })).status).toBe(404);
      const form2 = slackCommandForm("trigger.OFF");
      expect((await post("/slack/commands", form2, { ...form, ...slackHeaders(slackSecret, form2) })).status).toBe(404);
      const interaction = JSON.stringify(discordPing());
      const headers = { ...json, ...discordHeaders(discord.privateKey, interaction) };
      expect((await post("/discord/interactions", interaction, headers)).status).toBe(404);
      const message = JSON.stringify(teamsMessage("1485983408404"));
      expect((await post("/teams/messages", message, { ...json, ...teamsHeaders(teamsToken, message) })).status).toBe(
        404,
      );
    });
  });
});
