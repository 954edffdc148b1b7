import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import { startDiscordStandIn, type DiscordStandIn } from "../../stand-ins/discord-stand-in.ts";
import { analystScript } from "../../stand-ins/model-scripts.ts";
import { deliver, issuesOpened } from "../../stand-ins/payloads.ts";
import { startSlackStandIn, type SlackStandIn } from "../../stand-ins/slack-stand-in.ts";
import { startTeamsStandIn, type TeamsStandIn } from "../../stand-ins/teams-stand-in.ts";
import { deliveryOutcome, startSystem, webhookSecret, type System } from "../support/system.ts";

const adminToken = "n0tify-Admin-t0ken-7Qx2Lm9Pz";
const channels = `channels:
  team-slack: { kind: slack, url_env: SLACK_NOTIFY_URL }
  team-discord: { kind: discord, url_env: DISCORD_NOTIFY_URL }
  team-teams: { kind: teams, url_env: TEAMS_NOTIFY_URL }
  revoked: { kind: slack, url_env: REVOKED_SLACK_URL }
`;

describe("a rule's notify: after a relay run", () => {
  let system: System;
  let slack: SlackStandIn;
  let discord: DiscordStandIn;
  let teams: TeamsStandIn;
  let dir: string;

  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    expect(system.model.errors).toEqual([]);
    await system.close();
    await Promise.all([slack, discord, teams].map((standIn) => standIn.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(notify: string) {
    [slack, discord, teams] = await Promise.all([
      startSlackStandIn({ token: "xoxb-unused", channels: [] }),
      startDiscordStandIn(),
      startTeamsStandIn(),
    ]);
    const env = {
      SLACK_NOTIFY_URL: slack.webhookUrl,
      DISCORD_NOTIFY_URL: discord.webhookUrl,
      TEAMS_NOTIFY_URL: teams.webhookUrl,
      // A webhook Slack no longer knows: 404 no_service, which no retry mends.
      REVOKED_SLACK_URL: `${slack.url}/services/T0001/B0001/revoked`,
    };
    dir = mkdtempSync(join(tmpdir(), "notify-after-run-"));
    writeFileSync(
      join(dir, "openwebui-github.yml"),
      `${channels}rules:\n  - name: triage\n    on: issues.opened\n    notify: ${notify}\n`,
    );
    system = await startSystem({
      script: analystScript(() => "Likely a typo in the README @everyone."),
      configFile: loadConfigFile(configFileLocation({}, dir), env),
      relayEnv: { ...env, RELAY_ADMIN_TOKEN: adminToken },
    });
    const payload = issuesOpened();
    system.github.addIssueFromPayload(payload);
    const sent = await deliver(system.webhookUrl, { event: "issues", payload, secret: webhookSecret });
    expect(sent.status).toBe(202);
    return deliveryOutcome(system.stores, sent.deliveryId);
  }

  it("posts the comment's link and the model's answer to Slack, Discord and Teams once the run commented", async () => {
    const record = await start("[team-slack, team-discord, team-teams]");
    expect(record).toMatchObject({ status: "done", notifyError: null });
    const [comment] = system.github.comments("Codertocat", "Hello-World", 1);
    const link = comment!.html_url;
    const posted = (standIn: { received: Array<{ status: number; body: unknown }> }) =>
      standIn.received.map((request) => [request.status, JSON.stringify(request.body)] as const);
    for (const [status, body] of [...posted(slack), ...posted(discord), ...posted(teams)]) {
      expect(status).toBeLessThan(300);
      expect(body).toContain(link);
      expect(body).toContain("I posted my analysis on the issue.");
      expect(body).toContain("triage: Codertocat/Hello-World#1");
    }
    expect([slack.received.length, discord.received.length, teams.received.length]).toEqual([1, 1, 1]);
    expect(discord.problems).toEqual([]);
  });

  it("keeps the delivery done when a channel cannot be told, and shows which on the deliveries page", async () => {
    const record = await start("[revoked, team-slack]");
    expect(record).toMatchObject({ status: "done", reason: "commented by the model" });
    expect(record.notifyError).toBe("revoked: HTTP 404: no_service");
    expect(system.github.comments("Codertocat", "Hello-World", 1)).toHaveLength(1);
    expect(slack.received.map((request) => [request.path.split("/").at(-1), request.status])).toEqual(
      expect.arrayContaining([
        ["revoked", 404],
        ["XXXXXXXXXXXXXXXXXXXXXXXX", 200],
      ]),
    );
    const signIn = await fetch(`${system.relayUrl}/deliveries/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: adminToken }),
      redirect: "manual",
    });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    const page = await (await fetch(`${system.relayUrl}/deliveries`, { headers: { cookie } })).text();
    const row = new RegExp(`<tr data-delivery-id="${record.deliveryId}">[\\s\\S]*?</tr>`).exec(page)?.[0];
    expect(row).toContain(`<span class="status status-done">done</span>`);
    expect(row).toContain(`<span class="muted">not notified: </span>revoked: HTTP 404: no_service`);
    // The page never shows a channel's URL: it is the credential.
    expect(page).not.toContain(slack.url);
  });
});
