import type { Env } from "./config-error.ts";
import { httpUrl, optionalText, readEnvFields } from "./env-fields.ts";

/**
 * The chat platforms' inbound doors; a door whose settings are missing is not mounted (404). The API
 * URLs point the tests at stand-ins.
 */
export interface ChatDoorsConfig {
  /**
   * POST /slack/commands (answered through each command's response_url) with the app's signing
   * secret; POST /slack/events also needs the bot token, which posts a mention's answer in its thread.
   */
  slack: { signingSecret: string; botToken: string | null; apiUrl: string } | null;
  /** POST /discord/interactions: the application's Ed25519 public key (64 hex) and id, for its follow-ups. */
  discord: { publicKey: string; applicationId: string; apiUrl: string } | null;
  /** POST /teams/messages: the outgoing webhook's security token (base64, as Teams shows it once). */
  teams: { securityToken: string } | null;
}

const fields = {
  slackSigningSecret: optionalText("SLACK_SIGNING_SECRET", ""),
  slackBotToken: optionalText("SLACK_BOT_TOKEN", ""),
  slackApiUrl: httpUrl("SLACK_API_URL", "https://slack.com/api", "leave it unset outside tests"),
  discordPublicKey: optionalText("DISCORD_PUBLIC_KEY", ""),
  discordApplicationId: optionalText("DISCORD_APPLICATION_ID", ""),
  discordApiUrl: httpUrl("DISCORD_API_URL", "https://discord.com/api/v10", "leave it unset outside tests"),
  teamsSecret: optionalText("TEAMS_WEBHOOK_SECRET", ""),
};

/** Reads the doors' settings, adding a line to `problems` for each that is unusable. */
export function readChatDoorsConfig(env: Env, problems: string[]): ChatDoorsConfig {
  const { values: v, problems: read } = readEnvFields(env, fields);
  problems.push(...read);
  return { slack: slack(v, problems), discord: discord(v, problems), teams: teams(v.teamsSecret, problems) };
}

type Values = ReturnType<typeof readEnvFields<typeof fields>>["values"];

function slack(v: Values, problems: string[]): ChatDoorsConfig["slack"] {
  const botToken = v.slackBotToken || null;
  if (botToken && !/^xoxb-/.test(botToken))
    problems.push(
      "SLACK_BOT_TOKEN does not hold a bot token: copy the Bot User OAuth Token (xoxb-...) from the app's OAuth & Permissions page",
    );
  if (!v.slackSigningSecret) return null;
  return { signingSecret: v.slackSigningSecret, botToken, apiUrl: v.slackApiUrl };
}

function discord(v: Values, problems: string[]): ChatDoorsConfig["discord"] {
  const publicKey = v.discordPublicKey.toLowerCase();
  if (publicKey && !/^[0-9a-f]{64}$/.test(publicKey))
    problems.push(
      "DISCORD_PUBLIC_KEY is not 64 hex characters: copy the Public Key from the application's General Information page in Discord's developer portal, or leave it empty to keep /discord/interactions off",
    );
  const applicationId = v.discordApplicationId;
  if (applicationId && !/^\d{15,21}$/.test(applicationId))
    problems.push(
      "DISCORD_APPLICATION_ID is not a Discord id: copy the Application ID from the General Information page",
    );
  if (publicKey && !applicationId)
    problems.push(
      "DISCORD_APPLICATION_ID is missing: /discord/interactions needs it with DISCORD_PUBLIC_KEY (follow-ups are sent as the application)",
    );
  if (!/^[0-9a-f]{64}$/.test(publicKey) || !/^\d{15,21}$/.test(applicationId)) return null;
  return { publicKey, applicationId, apiUrl: v.discordApiUrl };
}

function teams(secret: string, problems: string[]): ChatDoorsConfig["teams"] {
  if (!secret) return null;
  // Teams shows the token once, base64: the HMAC key is its decoded bytes.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret) || Buffer.from(secret, "base64").length < 16) {
    problems.push(
      "TEAMS_WEBHOOK_SECRET is not the security token Teams showed (base64) when the outgoing webhook was created: copy it again, or leave it empty to keep /teams/messages off",
    );
    return null;
  }
  return { securityToken: secret };
}
