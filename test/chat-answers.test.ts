import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFileLocation } from "../config/config-file-location.ts";
import { loadConfigFile } from "../config/load-config-file.ts";
import { peopleSchema } from "../config/people-schema.ts";
import { teamsAck } from "../relay/doors/teams-messages.ts";
import { startDiscordAppStandIn, type DiscordAppStandIn } from "../stand-ins/discord-app-stand-in.ts";
import { chatQuestionScript } from "../stand-ins/model-scripts.ts";
import { waitFor } from "../stand-ins/payloads.ts";
import { startSlackAppStandIn, type SlackAppStandIn } from "../stand-ins/slack-app-stand-in.ts";
import { startTeamsOutgoingStandIn, type TeamsOutgoingStandIn } from "../stand-ins/teams-outgoing-stand-in.ts";
import { deliveryOutcome, startSystem, type System } from "./support/system.ts";

const slackSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const botToken = "xoxb-chat-answers-0123456789";
const channel = "C0LAN2Q65";
const alice = { slack: "UALICE0001", discord: "53908232506183680", teams: "aad-alice-0001" };
const token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

// Alice may read octo/app; anyone else gets the default, which here is nothing.
const people = peopleSchema.parse({
  default: "none",
  grants: [{ email: "alice@example.com", repos: ["octo/app"], access: "write" }],
  chat_users: [{ email: "alice@example.com", ...alice }],
});

describe("questions asked in Slack, Discord and Teams", () => {
  let system: System;
  let slack: SlackAppStandIn;
  let discord: DiscordAppStandIn;
  let teams: TeamsOutgoingStandIn;
  let dir: string;

  beforeAll(async () => {
    [slack, discord, teams] = await Promise.all([
      startSlackAppStandIn({ signingSecret: slackSecret, token: botToken, channels: [channel] }),
      startDiscordAppStandIn(),
      startTeamsOutgoingStandIn(),
    ]);
    dir = mkdtempSync(join(tmpdir(), "chat-answers-"));
    writeFileSync(
      join(dir, "openwebui-github.yml"),
      'channels:\n  eng-teams: { kind: teams, url_env: TEAMS_ANSWERS_URL }\nchat:\n  teams_channels: { "*": eng-teams }\n',
    );
    const env = {
      SLACK_SIGNING_SECRET: slackSecret,
      SLACK_BOT_TOKEN: botToken,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_PUBLIC_KEY: discord.publicKeyHex,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: `${discord.url}/api`,
      TEAMS_WEBHOOK_SECRET: teams.securityToken,
      TEAMS_ANSWERS_URL: teams.webhookUrl,
    };
    system = await startSystem({
      script: chatQuestionScript(),
      people,
      relayEnv: env,
      configFile: loadConfigFile(configFileLocation({}, dir), env),
    });
    system.github.addIssue({
      owner: "octo",
      repo: "app",
      number: 12,
      title: "Crash on start",
      body: `It crashes. @everyone <!channel> <@&123456> look, my token is ${token}`,
    });
  });
  afterAll(async () => {
    await system?.close();
    await Promise.all([slack?.close(), discord?.close(), teams?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const eventsUrl = () => `${system.relayUrl}/slack/events`;

  it("answer a Slack mention in its thread from get_issue, in a chat Open WebUI shows, as the person who asked", async () => {
    const res = await slack.mention(eventsUrl(), {
      eventId: "EvANSWER1",
      user: alice.slack,
      channel,
      ts: "1515449522.000016",
      text: "<@U0LAN0Z89> what is octo/app#12 about?",
    });
    expect(res.status).toBe(200);
    expect(await deliveryOutcome(system.stores, "EvANSWER1")).toMatchObject({
      status: "done",
      reason: `answered in the Slack thread 1515449522.000016 in ${channel}`,
    });
    const posted = slack.received.find((r) => r.path === "/api/chat.postMessage")!;
    expect(posted.body).toMatchObject({ channel, thread_ts: "1515449522.000016" });
    const text = (posted.body as { text: string }).text;
    expect(text).toContain('octo/app#12 is "Crash on start" (open)');
    // Pings defused and the token removed, as every post of model text.
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain(token);
    expect(text).toContain("[redacted]");

    const chat = [...system.openWebUI.chats.values()].find((c) => c.title === "Slack: what is octo/app#12 about?");
    expect(chat).toBeDefined();
    const call = system.openWebUI.toolCalls.find((c) => c.chatId === chat!.id)!;
    expect(call).toMatchObject({ name: "get_issue", status: 200 });
    expect(await system.stores.runs.get(chat!.id)).toMatchObject({ askedBy: `slack:${alice.slack}`, live: false });
    expect(slack.answerMs.every((ms) => ms < 3_000)).toBe(true);
  });

  it("give someone chat_users does not name the policy's default (here none): no content of the repository", async () => {
    await slack.mention(eventsUrl(), {
      eventId: "EvSTRANGER",
      user: "USTRANGER1",
      channel,
      text: "what is octo/app#12?",
    });
    expect(await deliveryOutcome(system.stores, "EvSTRANGER")).toMatchObject({ status: "done" });
    const text = (slack.received.filter((r) => r.path === "/api/chat.postMessage").at(-1)!.body as { text: string })
      .text;
    expect(text).toMatch(/^I could not read octo\/app#12/);
    expect(text).toContain("may not read octo/app");
    expect(text).not.toContain("Crash on start");
    expect(text).not.toContain("It crashes");
  });

  it("answer a Slack slash command through its response_url, for the channel", async () => {
    const res = await slack.command(`${system.relayUrl}/slack/commands`, {
      triggerId: "trigger.ANSWER1",
      user: alice.slack,
      channel,
      text: "what is octo/app#12 about?",
    });
    expect(res.status).toBe(200);
    expect(await deliveryOutcome(system.stores, "trigger.ANSWER1")).toMatchObject({ status: "done" });
    expect(slack.responses).toHaveLength(1);
    expect(slack.responses[0]!.body).toMatchObject({ response_type: "in_channel" });
    expect((slack.responses[0]!.body as { text: string }).text).toContain('"Crash on start"');
  });

  it("defer a Discord slash command and answer it with a follow-up that pings nobody", async () => {
    const res = await discord.command(`${system.relayUrl}/discord/interactions`, {
      id: "1114556677889900555",
      user: alice.discord,
      channel: "645027906669510667",
      text: "what is octo/app#12 about?",
    });
    expect(await res.json()).toEqual({ type: 5 });
    expect(await deliveryOutcome(system.stores, "1114556677889900555")).toMatchObject({ status: "done" });
    const [followUp] = discord.followUps() as Array<{ content: string; allowed_mentions: unknown }>;
    expect(followUp!.content).toContain('octo/app#12 is "Crash on start"');
    expect(followUp!.content).toContain("@\u200beveryone");
    expect(followUp!.content).toContain("<@\u200b&123456>");
    expect(followUp!.allowed_mentions).toEqual({ parse: [] });
    expect(discord.problems).toEqual([]);
  });

  it("reply to a Teams mention within 5 seconds, then post the answer to the channel's Workflows webhook", async () => {
    const res = await teams.mention(`${system.relayUrl}/teams/messages`, {
      id: "1485983408511",
      channelId: "19:253b1f341670408fb6fe51050b6e5ceb@thread.tacv2",
      text: "<at>GitHub</at> what is octo/app#12 about?",
      user: { aadObjectId: alice.teams, name: "Alice" },
    });
    expect(await res.json()).toEqual({ type: "message", text: teamsAck });
    expect(teams.answerMs[0]).toBeLessThan(5_000);
    expect(await deliveryOutcome(system.stores, "1485983408511")).toMatchObject({ status: "done" });
    const card = JSON.stringify(teams.received.at(-1)!.body);
    expect(card).toContain("Alice asked: what is octo/app#12 about?");
    expect(card).toContain("Crash on start");
    expect(teams.problems).toEqual([]);
  });

  it("refuse every write in a chat run, whatever the person may do in Open WebUI", async () => {
    system.model.setScript((request) =>
      request.messages.some((m) => m.role === "tool")
        ? { content: "done" }
        : {
            toolCalls: [
              { name: "post_issue_comment", arguments: { owner: "octo", repo: "app", issue_number: 12, body: "hi" } },
            ],
          },
    );
    await slack.mention(eventsUrl(), {
      eventId: "EvWRITE1",
      user: alice.slack,
      channel,
      text: "comment hi on octo/app#12",
    });
    expect(await deliveryOutcome(system.stores, "EvWRITE1")).toMatchObject({ status: "done" });
    const refused = system.openWebUI.toolCalls.at(-1)!;
    expect(refused).toMatchObject({ name: "post_issue_comment", status: 403 });
    // Refused for being a chat question, though Alice may write to octo/app in Open WebUI.
    expect(JSON.stringify(refused.result)).toContain("Questions asked in Slack can only read");
    expect(system.github.comments("octo", "app", 12)).toEqual([]);
    system.model.setScript(chatQuestionScript());
  });

  it("run once for a mention Slack sends again, and never for one not signed by Slack or sent long ago", async () => {
    const chats = system.openWebUI.chats.size;
    for (let i = 0; i < 3; i++)
      await slack.mention(eventsUrl(), { eventId: "EvAGAIN1", user: alice.slack, channel, text: "octo/app#12?" });
    expect(await deliveryOutcome(system.stores, "EvAGAIN1")).toMatchObject({ status: "done" });
    const forged = await startSlackAppStandIn({
      signingSecret: "another-signing-secret-0123",
      token: botToken,
      channels: [channel],
    });
    const res = await forged.mention(eventsUrl(), {
      eventId: "EvFORGED1",
      user: alice.slack,
      channel,
      text: "octo/app#12?",
    });
    await forged.close();
    expect(res.status).toBe(401);
    await system.relayIdle();
    expect(system.openWebUI.chats.size).toBe(chats + 1);
    expect(await system.stores.deliveries.findByDeliveryId("EvFORGED1")).toBeUndefined();
  });

  it("say in the delivery's reason when the platform refuses the answer, and keep it for a replay", async () => {
    await slack.mention(eventsUrl(), {
      eventId: "EvNOCHAN1",
      user: alice.slack,
      channel: "CNOTIN0001",
      text: "octo/app#12?",
    });
    const outcome = await deliveryOutcome(system.stores, "EvNOCHAN1");
    expect(outcome).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(
        /^answered, but the post to the Slack thread \S+ in CNOTIN0001 failed: Slack refused the message: channel_not_found/,
      ),
    });
    expect((await system.stores.runs.keptAnswerOf(outcome.key))?.answer).toContain('"Crash on start"');
  });

  it("say in the delivery's reason that a command's response_url expired, and ask no model", async () => {
    const asked = system.model.requests.length;
    const request = {
      platform: "slack",
      kind: "command",
      teamId: "T0001",
      channelId: channel,
      userId: alice.slack,
      text: "what is octo/app#12 about?",
      command: "/ask",
      responseUrl: `${slack.url}/commands/T0001/expired/0000`,
      expiresAt: Date.now() - 1,
    };
    await system.stores.deliveries.add({
      key: "slack:command:trigger.EXPIRED",
      deliveryId: "trigger.EXPIRED",
      event: "slack",
      action: "command",
      status: "pending",
      payload: JSON.stringify(request),
    });
    await system.relayIdle();
    await waitFor(() => system.stores.deliveries.findByDeliveryId("trigger.EXPIRED"), "the stored request");
    expect(await deliveryOutcome(system.stores, "trigger.EXPIRED")).toMatchObject({
      status: "failed",
      reason:
        "the slash command's response_url expired (Slack takes answers for 30 minutes) before the run started; nothing was posted in Slack",
    });
    expect(system.model.requests.length).toBe(asked);
  });

  it("say in the delivery's reason that a Discord interaction's token expired, and ask no model", async () => {
    const asked = system.model.requests.length;
    const request = {
      platform: "discord",
      kind: "command",
      teamId: "290926798626357999",
      channelId: "645027906669510667",
      userId: alice.discord,
      text: "what is octo/app#12 about?",
      command: "ask",
      applicationId: discord.applicationId,
      interactionToken: "aW50ZXJhY3Rpb246ZXhwaXJlZA",
      expiresAt: Date.now() - 1,
    };
    await system.stores.deliveries.add({
      key: "discord:interaction:1114556677889900666",
      deliveryId: "1114556677889900666",
      event: "discord",
      action: "command",
      status: "pending",
      payload: JSON.stringify(request),
    });
    expect(await deliveryOutcome(system.stores, "1114556677889900666")).toMatchObject({
      status: "failed",
      reason:
        "the interaction's token expired (Discord takes follow-ups for 15 minutes) before the run started; nothing was posted in Discord",
    });
    expect(system.model.requests.length).toBe(asked);
  });
});
