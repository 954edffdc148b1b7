import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolvedChannel } from "../../config/resolve-channels.ts";
import { createLogger } from "../../lib/logger.ts";
import { createNotifier } from "../../notify/create-notifier.ts";
import type { NotifyTimeouts } from "../../notify/notify-types.ts";
import { freePort } from "../../stand-ins/free-port.ts";
import { startDiscordStandIn, type DiscordStandIn } from "../../stand-ins/discord-stand-in.ts";
import { startSlackStandIn, type SlackStandIn } from "../../stand-ins/slack-stand-in.ts";
import { startTeamsStandIn, type TeamsStandIn } from "../../stand-ins/teams-stand-in.ts";

const botToken = "xoxb-1234-5678-notifytesttoken";
const deploymentSecret = "s3cret-webhook-0123456789";
const timeouts: NotifyTimeouts = { attemptMs: 400, totalMs: 3000, backoffMs: 20, attempts: 3 };
const link = "https://github.com/octo/app/issues/12#issuecomment-99";
const pings =
  "<!channel> <!here> <!everyone> <@U0123ABC> <!subteam^S0123> @everyone @here <@123> <@!456> <@&789> <at>Mona</at>";

let slack: SlackStandIn;
let discord: DiscordStandIn;
let teams: TeamsStandIn;
let channels: ResolvedChannel[];
const lines: string[] = [];

beforeAll(async () => {
  [slack, discord, teams] = await Promise.all([
    startSlackStandIn({ token: botToken, channels: ["C0123456789"] }),
    startDiscordStandIn(),
    startTeamsStandIn(),
  ]);
  channels = [
    { name: "team", kind: "slack-webhook", url: slack.webhookUrl },
    { name: "bot", kind: "slack-bot", token: botToken, channel: "C0123456789", apiUrl: slack.apiUrl },
    { name: "stranger", kind: "slack-bot", token: botToken, channel: "C9999999999", apiUrl: slack.apiUrl },
    {
      name: "wrong-token",
      kind: "slack-bot",
      token: "xoxb-revoked-0000",
      channel: "C0123456789",
      apiUrl: slack.apiUrl,
    },
    { name: "ops", kind: "discord", url: discord.webhookUrl },
    { name: "leads", kind: "teams", url: teams.webhookUrl },
    { name: "gone", kind: "discord", url: `http://127.0.0.1:${await freePort()}/api/webhooks/1/closed-port-token` },
  ];
});
afterAll(() => Promise.all([slack, discord, teams].map((standIn) => standIn?.close())));

const notifier = (overrides: Partial<NotifyTimeouts> = {}) =>
  createNotifier(channels, {
    logger: createLogger({ write: (line) => lines.push(line) }),
    secrets: [deploymentSecret],
    timeouts: { ...timeouts, ...overrides },
  });
const last = (standIn: { received: Array<{ body: unknown }> }) => standIn.received.at(-1)!.body;

describe("notifications to Slack, Discord and Teams", () => {
  it("posts {text} to a Slack incoming webhook, with every <!...> and <@...> ping escaped to plain text", async () => {
    const outcome = await notifier().notify("team", { title: "Triage of #12", link, text: `${pings} & done` });
    expect(outcome).toEqual({ channel: "team", ok: true, attempts: 1 });
    const { text } = last(slack) as { text: string };
    expect(text.startsWith(`*<${link}|Triage of #12>*\n`)).toBe(true);
    expect(text).toContain("&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U0123ABC&gt; &lt;!subteam^S0123&gt;");
    expect(text).toContain("&amp; done");
    expect(text.slice(text.indexOf("\n"))).not.toMatch(/<[!@]/);
  });

  it("posts with chat.postMessage and the bot token, and takes Slack's 200 ok:false as a failure, without retrying", async () => {
    const n = notifier();
    expect(await n.notify("bot", { title: "Run", link, text: "fine" })).toEqual({
      channel: "bot",
      ok: true,
      attempts: 1,
    });
    const sent = slack.received.at(-1)!;
    expect(sent.path).toBe("/api/chat.postMessage");
    expect(sent.headers.authorization).toBe(`Bearer ${botToken}`);
    expect(sent.body).toMatchObject({ channel: "C0123456789", text: `*<${link}|Run>*\nfine` });
    expect(await n.notify("wrong-token", { title: "Run", text: "x" })).toEqual({
      channel: "wrong-token",
      ok: false,
      attempts: 1,
      error: "Slack refused the message: invalid_auth",
    });
    expect(await n.notify("stranger", { title: "Run", text: "x" })).toMatchObject({
      ok: false,
      attempts: 1,
      error: "Slack refused the message: channel_not_found",
    });
  });

  it("posts to Discord with allowed_mentions parse [] and @everyone, @here, user and role pings defused in the text", async () => {
    const before = discord.problems.length;
    expect(await notifier().notify("ops", { title: "Run @everyone", link, text: pings })).toMatchObject({ ok: true });
    const body = last(discord) as { content: string; allowed_mentions: unknown };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content.startsWith(`**Run @\u200beveryone**\n<${link}>\n`)).toBe(true);
    expect(body.content).not.toMatch(/@(everyone|here)|<@[!&]?\d/);
    expect(body.content).toContain("<@\u200b&789>");
    expect(discord.problems.length).toBe(before);
  });

  it("cuts a Discord message to 2,000 characters with a note, where the whole would be refused", async () => {
    const text = "word ".repeat(1000);
    expect(await notifier().notify("ops", { title: "Long", link, text })).toMatchObject({ ok: true, attempts: 1 });
    const { content } = last(discord) as { content: string };
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content.endsWith("[cut: the rest is on GitHub]")).toBe(true);
  });

  it("posts an Adaptive Card message to a Teams workflow, <at> tags removed and the link as an action", async () => {
    expect(await notifier().notify("leads", { title: "Run", link, text: pings })).toMatchObject({ ok: true });
    const body = last(teams) as { attachments: Array<{ content: { type: string; actions: unknown[] } }> };
    expect(body.attachments[0]!.content.type).toBe("AdaptiveCard");
    expect(body.attachments[0]!.content.actions).toEqual([
      { type: "Action.OpenUrl", title: "Open on GitHub", url: link },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/<\/?at>/);
    expect(JSON.stringify(body)).toContain("Mona");
    expect(teams.problems).toEqual([]);
  });

  it("redacts the deployment's secrets, token shapes and the channels' own URLs from what is posted and logged", async () => {
    const text = `leaked ${deploymentSecret} ghp_${"a".repeat(36)} ${discord.webhookUrl} ${botToken}`;
    for (const name of ["team", "ops", "leads"]) await notifier().notify(name, { title: "Run", link, text });
    const posted = JSON.stringify([last(slack), last(discord), last(teams)]);
    for (const secret of [deploymentSecret, "ghp_aaaa", discord.webhookUrl, botToken]) {
      expect(posted).not.toContain(secret);
      expect(lines.join("\n")).not.toContain(secret);
    }
    expect(posted).toContain("[redacted]");
    await notifier().notify("ops", { title: "Run", text: "x", deliveryId: "delivery-42" });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({
      msg: "notification posted",
      channel: "ops",
      kind: "discord",
      deliveryId: "delivery-42",
    });
    expect(JSON.stringify(last(discord))).not.toContain("delivery-42");
  });
});

describe("when a platform fails", () => {
  it("retries a 503 with backoff, then succeeds", async () => {
    slack.failNext(2, { status: 503, body: "service_unavailable" });
    expect(await notifier().notify("team", { title: "Run", text: "x" })).toEqual({
      channel: "team",
      ok: true,
      attempts: 3,
    });
  });

  it("waits as long as Discord's 429 retry_after asks, longer than its own backoff", async () => {
    discord.failNext(1, {
      status: 429,
      body: { message: "You are being rate limited.", retry_after: 0.3, global: false },
    });
    const started = Date.now();
    expect(await notifier().notify("ops", { title: "Run", text: "x" })).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("returns a failure outcome, never throws, when the attempts run out, nobody listens, or nobody answers", async () => {
    teams.failNext(3, { status: 502, body: "bad gateway" });
    expect(await notifier().notify("leads", { title: "Run", text: "x" })).toEqual({
      channel: "leads",
      ok: false,
      attempts: 3,
      error: "HTTP 502: bad gateway",
    });
    const gone = await notifier().notify("gone", { title: "Run", text: "x" });
    expect(gone).toMatchObject({ ok: false, attempts: 3, error: "could not reach the platform (ECONNREFUSED)" });
    slack.delayNext(600);
    expect(await notifier({ attempts: 1 }).notify("team", { title: "Run", text: "x" })).toMatchObject({
      ok: false,
      error: "no answer within 400 ms",
    });
    expect(await notifier().notify("nowhere", { title: "Run", text: "x" })).toEqual({
      channel: "nowhere",
      ok: false,
      attempts: 0,
      error: 'no channel named "nowhere"',
    });
    expect(lines.join("\n")).not.toContain("closed-port-token");
  });

  it("stops early when a rate limit's wait would end past the whole budget", async () => {
    discord.failNext(1, { status: 429, body: { retry_after: 60, global: true } });
    const started = Date.now();
    const outcome = await notifier().notify("ops", { title: "Run", text: "x" });
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
    expect(outcome.error).toContain("no time left to retry within 3000 ms");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("refuses timeouts that do not nest: an attempt longer than the whole", () => {
    expect(() => notifier({ attemptMs: 5000, totalMs: 1000 })).toThrow(/attemptMs <= totalMs/);
  });
});
