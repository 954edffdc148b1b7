import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { createConfigHolder } from "../../config/config-holder.ts";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import { createLogger } from "../../lib/logger.ts";
import { publishedSchemaPath } from "../../config/config-file-json-schema.ts";
import { parseConfigFile } from "../../config/parse-config-file.ts";
import { channelSecrets, resolveChannels } from "../../config/resolve-channels.ts";
import { problemsOf } from "../support/config-problems.ts";

const file = "openwebui-github.yml";
const problemsIn = (text: string, env?: Record<string, string>) => {
  const result = parseConfigFile(text, file, env);
  return result.ok ? [] : result.problems;
};

const channels = [
  "channels:",
  "  team:",
  "    kind: slack",
  "    url_env: SLACK_TEAM_WEBHOOK_URL",
  "  bot:",
  "    kind: slack",
  "    token_env: SLACK_BOT_TOKEN",
  "    channel: C0123456789",
  "  ops:",
  "    kind: discord",
  "    url_env: DISCORD_OPS_WEBHOOK_URL",
  "  leads:",
  "    kind: teams",
  "    url_env: TEAMS_LEADS_WEBHOOK_URL",
];
const env = {
  SLACK_TEAM_WEBHOOK_URL: "https://hooks.slack.com/services/T1/B1/abcdefghijklmnopqrstuvwx",
  SLACK_BOT_TOKEN: "xoxb-1234-5678-abcdefghijkl",
  DISCORD_OPS_WEBHOOK_URL: "https://discord.com/api/webhooks/1/token-abcdef",
  TEAMS_LEADS_WEBHOOK_URL:
    "https://prod-01.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=abc",
};

describe("the channels: section", () => {
  it("resolves each kind's secret from the environment at load, never from the file", () => {
    const result = parseConfigFile(channels.join("\n"), file, env);
    expect(result.ok).toBe(true);
    const resolved = resolveChannels(result.ok ? result.config.channels : undefined, {
      ...env,
      SLACK_API_URL: "http://127.0.0.1:9/api/",
    });
    expect(resolved).toEqual([
      { name: "team", kind: "slack-webhook", url: env.SLACK_TEAM_WEBHOOK_URL },
      {
        name: "bot",
        kind: "slack-bot",
        token: env.SLACK_BOT_TOKEN,
        channel: "C0123456789",
        apiUrl: "http://127.0.0.1:9/api",
      },
      { name: "ops", kind: "discord", url: env.DISCORD_OPS_WEBHOOK_URL },
      { name: "leads", kind: "teams", url: env.TEAMS_LEADS_WEBHOOK_URL },
    ]);
    expect(channelSecrets(resolved)).toEqual(Object.values(env));
  });

  it("names each unset or unusable variable at its line, in one pass with the file's other problems", () => {
    const broken = { ...env, SLACK_TEAM_WEBHOOK_URL: "not a url", SLACK_BOT_TOKEN: "ghp_wrongkind" };
    delete (broken as Partial<typeof env>).TEAMS_LEADS_WEBHOOK_URL;
    expect(problemsIn(channels.join("\n"), broken)).toEqual([
      `${file}:4:14: channels.team.url_env: SLACK_TEAM_WEBHOOK_URL does not hold a URL: set it to the webhook URL the platform gave you`,
      `${file}:7:16: channels.bot.token_env: SLACK_BOT_TOKEN does not hold a Slack bot token (xoxb-...)`,
      `${file}:14:14: channels.leads.url_env: TEAMS_LEADS_WEBHOOK_URL is not set: set it in the environment (.env), or remove this channel`,
    ]);
    expect(
      problemsOf(() => resolveChannels({ leads: { kind: "teams", url_env: "TEAMS_LEADS_WEBHOOK_URL" } }, {})),
    ).toEqual([
      "channels.leads.url_env: TEAMS_LEADS_WEBHOOK_URL is not set: set it in the environment (.env), or remove this channel",
    ]);
  });

  it("refuses a secret written in the file, an unknown kind and a Slack channel that is neither form", () => {
    const text = [
      "channels:",
      "  team:",
      "    kind: slack",
      "    url_env: https://hooks.slack.com/services/T1/B1/abc",
      "  chat:",
      "    kind: mattermost",
      "    url_env: X",
      "  half:",
      "    kind: slack",
      "    token_env: SLACK_BOT_TOKEN",
      "  both:",
      "    kind: slack",
      "    url_env: A",
      "    token_env: B",
      "  ops:",
      "    kind: discord",
      "    url: https://discord.com/api/webhooks/1/t",
    ].join("\n");
    expect(problemsIn(text)).toEqual([
      `${file}:4:14: channels.team.url_env: name an environment variable (upper-case letters, digits, _) that holds the secret, not the secret`,
      `${file}:6:11: channels.chat.kind: expected one of slack, discord, teams, got "mattermost"`,
      `${file}:10:16: channels.half.token_env: missing: add channel: with token_env`,
      `${file}:14:16: channels.both.token_env: has url_env and token_env: keep only one`,
      `${file}:16:5: channels.ops.url_env: missing: add url_env: with text`,
      `${file}:17:5: channels.ops.url: unknown key; allowed here: kind, url_env, token_env, channel`,
    ]);
    expect(problemsIn(text).join("\n"), "a secret written in the file is never quoted back").not.toContain(
      "hooks.slack",
    );
  });

  it("checks a rule's notify: names against the defined channels, at the name's line", () => {
    const text = [...channels, "rules:", "  - name: triage", "    on: issues.opened", "    notify: [team, opps]"].join(
      "\n",
    );
    expect(problemsIn(text)).toEqual([
      `${file}:18:20: rules[0].notify[1]: rule "triage": no channel named "opps"; define it under channels: (defined: team, bot, ops, leads)`,
    ]);
    expect(problemsIn(text.replace("opps", "ops"))).toEqual([]);
  });

  it("the published JSON Schema takes the channels editors write and refuses a kind it does not know", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addFormat("email", /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
    const validate = ajv.compile(JSON.parse(readFileSync(publishedSchemaPath, "utf8")) as object);
    const text = `${channels.join("\n")}\nrules:\n  - name: triage\n    on: issues.opened\n    notify: [team]\n`;
    expect(validate(parse(text))).toBe(true);
    expect(validate(parse(text.replace("kind: teams", "kind: skype")))).toBe(false);
  });

  it("stops start-up on a channel whose variable is unset, and a reload refuses a new one the same way", async () => {
    const dir = mkdtempSync(join(tmpdir(), "notify-config-"));
    try {
      const path = join(dir, "openwebui-github.yml");
      writeFileSync(path, channels.slice(0, 4).join("\n"));
      const location = configFileLocation({ CONFIG_FILE: path }, dir);
      expect(problemsOf(() => loadConfigFile(location, {}))).toEqual([
        `${path}:4:14: channels.team.url_env: SLACK_TEAM_WEBHOOK_URL is not set: set it in the environment (.env), or remove this channel`,
      ]);
      const holder = createConfigHolder(loadConfigFile(location, env), createLogger({ write: () => {} }), {
        SLACK_TEAM_WEBHOOK_URL: env.SLACK_TEAM_WEBHOOK_URL,
      });
      writeFileSync(path, channels.join("\n"));
      const reloaded = await holder.reload();
      expect(reloaded.ok).toBe(false);
      expect(!reloaded.ok && reloaded.problems).toHaveLength(3);
      expect(Object.keys(holder.current().channels ?? {})).toEqual(["team"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
