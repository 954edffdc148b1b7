import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import { loadRelayConfig } from "../../config/load-relay-config.ts";
import { peopleSchema } from "../../config/people-schema.ts";
import { createDeployment } from "../../deployment/create-deployment.ts";
import { createLogger } from "../../lib/logger.ts";
import { startDiscordAppStandIn, type DiscordAppStandIn } from "../../stand-ins/discord-app-stand-in.ts";
import { chatQuestionScript } from "../../stand-ins/model-scripts.ts";
import { openWebUIApi, openWebUIVersionUnderTest } from "../../stand-ins/open-webui-instance.ts";
import { waitFor } from "../../stand-ins/payloads.ts";
import { startRealSystem, type RealSystem } from "../../stand-ins/real-system.ts";
import { startSlackAppStandIn, type SlackAppStandIn } from "../../stand-ins/slack-app-stand-in.ts";
import { startTeamsOutgoingStandIn, type TeamsOutgoingStandIn } from "../../stand-ins/teams-outgoing-stand-in.ts";
import { deliveryOutcome } from "../support/system.ts";

// Issue 14 through the real Open WebUI: a question asked in each platform becomes a chat in Open WebUI
// whose get_issue call the tool server answers for the person who asked, and the answer comes back
// where it was asked.
const openWebUIVersion = openWebUIVersionUnderTest();
const progress = (line: string) => process.stdout.write(`[open-webui ${openWebUIVersion}] ${line}\n`);
const ids = { slack: "UGRACE0001", discord: "53908232506183680", teams: "aad-grace-0001" };
const people = peopleSchema.parse({
  default: "none",
  grants: [{ email: "grace@example.com", repos: ["octo/app"], access: "read" }],
  chat_users: [{ email: "grace@example.com", ...ids }],
});
const question = "what is octo/app#12 about?";

let system: RealSystem;
let slack: SlackAppStandIn;
let discord: DiscordAppStandIn;
let teams: TeamsOutgoingStandIn;
let relay: { url: string; close(): Promise<void> };
let dir: string;

beforeAll(async () => {
  system = await startRealSystem(progress, { openWebUIVersion, people });
  [slack, discord, teams] = await Promise.all([
    startSlackAppStandIn({
      signingSecret: "slack-signing-secret-real-0123",
      token: "xoxb-real-0123",
      channels: ["C1"],
    }),
    startDiscordAppStandIn(),
    startTeamsOutgoingStandIn(),
  ]);
  // The relay again, with the chat platforms' settings and a config file naming the Teams channel.
  await system.stopRelay();
  dir = mkdtempSync(join(tmpdir(), "chat-platforms-"));
  writeFileSync(
    join(dir, "openwebui-github.yml"),
    'channels:\n  eng-teams: { kind: teams, url_env: TEAMS_ANSWERS_URL }\nchat:\n  teams_channels: { "*": eng-teams }\n',
  );
  const env = {
    ...system.serviceEnv,
    PORT: "0",
    SLACK_SIGNING_SECRET: "slack-signing-secret-real-0123",
    SLACK_BOT_TOKEN: "xoxb-real-0123",
    SLACK_API_URL: slack.apiUrl,
    DISCORD_PUBLIC_KEY: discord.publicKeyHex,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: `${discord.url}/api`,
    TEAMS_WEBHOOK_SECRET: teams.securityToken,
    TEAMS_ANSWERS_URL: teams.webhookUrl,
  };
  const logger = createLogger({ level: "info", write: (line) => system.logs.push(line) });
  relay = await createDeployment(
    {
      env,
      relay: loadRelayConfig(env),
      toolServer: null,
      configFile: loadConfigFile(configFileLocation({}, dir), env),
    },
    { logger, host: "127.0.0.1", pollIntervalMs: 200 },
  ).startRelay(system.stores);
  system.github.addIssue({ owner: "octo", repo: "app", number: 12, title: "Crash on start", body: "It crashes." });
  system.model.setScript(chatQuestionScript());
});

afterAll(async () => {
  await relay?.close();
  await Promise.all([slack?.close(), discord?.close(), teams?.close()]);
  await system?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it(`a Slack mention, a Discord slash command and a Teams mention each get an answer built from get_issue, in chats Open WebUI ${openWebUIVersion} shows`, async () => {
  const asked = await Promise.all([
    slack.mention(`${relay.url}/slack/events`, {
      eventId: "EvREAL1",
      user: ids.slack,
      channel: "C1",
      text: `<@U0BOT> ${question}`,
    }),
    discord.command(`${relay.url}/discord/interactions`, {
      id: "1114556677889901234",
      user: ids.discord,
      channel: "645027906669510667",
      text: question,
    }),
    teams.mention(`${relay.url}/teams/messages`, {
      id: "1485983400001",
      channelId: "19:eng@thread.tacv2",
      text: `<at>GitHub</at> ${question}`,
      user: { aadObjectId: ids.teams, name: "Grace" },
    }),
  ]);
  expect(asked.map((res) => res.status)).toEqual([200, 200, 200]);
  for (const id of ["EvREAL1", "1114556677889901234", "1485983400001"])
    expect(await deliveryOutcome(system.stores, id), id).toMatchObject({ status: "done" });

  const expected = 'octo/app#12 is "Crash on start" (open)';
  const slackText = (slack.received.find((r) => r.path === "/api/chat.postMessage")!.body as { text: string }).text;
  expect(slackText).toContain(expected);
  expect((discord.followUps()[0] as { content: string }).content).toContain(expected);
  type Card = { attachments: Array<{ content: { body: Array<{ text: string }> } }> };
  const teamsCard = teams.received.at(-1)!.body as Card;
  expect(teamsCard.attachments[0]!.content.body.map((block) => block.text).join("\n")).toContain(expected);
  expect([...slack.problems, ...discord.problems, ...teams.problems]).toEqual([]);

  // Each question is a chat of the relay's account in Open WebUI, its get_issue call answered.
  const api = openWebUIApi(system.openWebUI.url);
  const chats = await api.request<Array<{ id: string; title: string }>>("GET", "/api/v1/chats/", system.adminToken);
  const titles = chats.map((chat) => chat.title);
  for (const platform of ["Slack", "Discord", "Microsoft Teams"]) expect(titles).toContain(`${platform}: ${question}`);
  const slackChat = chats.find((chat) => chat.title === `Slack: ${question}`)!;
  const run = await waitFor(() => system.stores.runs.get(slackChat.id), "the Slack chat's run");
  expect(run).toMatchObject({ askedBy: `slack:${ids.slack}`, live: false });
  expect(system.logs.join("\n")).not.toMatch(/"tool call refused/);
});
