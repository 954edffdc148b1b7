import type { Env } from "./config-error.ts";
import { optionalText, readEnvFields } from "./env-fields.ts";

/** The chat platforms' inbound doors; a door whose settings are missing is not mounted (404). */
export interface ChatDoorsConfig {
  /** POST /slack/events and /slack/commands, verified with the app's signing secret. */
  slack: { signingSecret: string } | null;
  /** POST /discord/interactions, verified with the application's Ed25519 public key (64 hex characters). */
  discord: { publicKey: string } | null;
}

const fields = {
  slackSigningSecret: optionalText("SLACK_SIGNING_SECRET", ""),
  discordPublicKey: optionalText("DISCORD_PUBLIC_KEY", ""),
};

/** Reads the doors' settings, adding a line to `problems` for each that is unusable. */
export function readChatDoorsConfig(env: Env, problems: string[]): ChatDoorsConfig {
  const { values: v, problems: read } = readEnvFields(env, fields);
  problems.push(...read);
  const publicKey = v.discordPublicKey.toLowerCase();
  if (publicKey && !/^[0-9a-f]{64}$/.test(publicKey))
    problems.push(
      "DISCORD_PUBLIC_KEY is not 64 hex characters: copy the Public Key from the application's General Information page in Discord's developer portal, or leave it empty to keep /discord/interactions off",
    );
  const discord = /^[0-9a-f]{64}$/.test(publicKey) ? { publicKey } : null;
  return { slack: v.slackSigningSecret ? { signingSecret: v.slackSigningSecret } : null, discord };
}
