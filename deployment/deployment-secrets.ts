import { readFileSync } from "node:fs";
import type { Env } from "../config/config-error.ts";
import type { ConfigFile } from "../config/config-file-schema.ts";
import { webhookSecrets } from "../config/resolve-webhooks.ts";
import { secretVariableNames } from "../config/secret-variable-names.ts";

// Every variable that holds a credential, whichever service reads it: `npm start` runs both services
// on one .env, so the tool server knows the relay's secrets too and must never post them (issue 15:
// it posted the webhook secret and the admin token). Open WebUI's own may be in it as well.
const secretVariables = [
  "GITHUB_WEBHOOK_SECRET",
  "GITHUB_TOKEN",
  "OPENWEBUI_API_KEY",
  "TOOL_SERVER_API_KEY",
  "RELAY_ADMIN_TOKEN",
  "METRICS_TOKEN",
  "WEBUI_SECRET_KEY",
  "WEBUI_ADMIN_PASSWORD",
  "OPENWEBUI_USER_JWT_SECRET",
  "OPENWEBUI_GROUPS_API_KEY",
  // The OAuth connection: the GitHub app people sign in with, and the key that seals their tokens.
  "GITHUB_OAUTH_CLIENT_SECRET",
  "TOOL_SERVER_OAUTH_SECRET",
  // Slack's signing secret would let anyone sign requests as Slack (the Discord key is public).
  "SLACK_SIGNING_SECRET",
  // The chat platforms: the bot posts as the app; the Teams token signs requests as Teams.
  "SLACK_BOT_TOKEN",
  "DISCORD_BOT_TOKEN",
  "TEAMS_WEBHOOK_SECRET",
];

function redisUrlPassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return "";
  }
}

function appPrivateKey(env: Env): string {
  const inline = env.GITHUB_APP_PRIVATE_KEY?.trim();
  // Environment files often hold the PEM on one line with \n escapes; both forms are the secret.
  if (inline) return inline.replace(/\\n/g, "\n");
  const file = env.GITHUB_APP_PRIVATE_KEY_FILE?.trim();
  if (!file) return "";
  try {
    return readFileSync(file, "utf8");
  } catch {
    // The config loader reports an unreadable key file; here there is simply nothing to hide.
    return "";
  }
}

/**
 * The variables the config file names for its channels' webhook URLs and bot tokens and its signed
 * webhooks' secrets: credentials like the rest, under names the deployment chooses.
 */
function configFileSecrets(file: ConfigFile | undefined, env: Env): string[] {
  return [...secretVariableNames(file).map((name) => env[name]?.trim() ?? ""), ...webhookSecrets(file?.webhooks, env)];
}

/**
 * The deployment's secrets, never to be posted or logged: every secret variable present in the
 * environment, whoever's it is, and those the config file names. Computed once, by the composition root.
 */
export function deploymentSecrets(env: Env, file?: ConfigFile): readonly string[] {
  const values = [
    ...secretVariables.map((name) => env[name]?.trim() ?? ""),
    ...configFileSecrets(file, env),
    env.GITHUB_APP_PRIVATE_KEY?.trim() ?? "",
    appPrivateKey(env),
    redisUrlPassword(env.REDIS_URL?.trim() ?? ""),
  ];
  return Object.freeze([...new Set(values.filter(Boolean))]);
}
