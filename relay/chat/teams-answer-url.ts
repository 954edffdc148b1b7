import type { Env } from "../../config/config-error.ts";
import type { ConfigFile } from "../../config/config-file-schema.ts";

/** Where a Teams channel's answers go, or why they cannot (said in the delivery's reason). */
export type TeamsAnswerUrl = { url: string } | { problem: string };

/**
 * The Workflows webhook URL of the channel `chat.teams_channels` names for a Teams channel (or for
 * "*"), read from the variable that channel names. Asked per answer: a reloaded file counts at once.
 */
export function teamsAnswerUrl(config: ConfigFile, env: Env, teamsChannelId: string): TeamsAnswerUrl {
  const names = config.chat?.teams_channels ?? {};
  const name = names[teamsChannelId] ?? names["*"];
  if (!name)
    return {
      problem: `no Workflows webhook for Teams channel ${teamsChannelId}: name one under chat.teams_channels in the config file`,
    };
  const channel = config.channels?.[name];
  if (channel?.kind !== "teams")
    return { problem: `chat.teams_channels names "${name}", which is not a channel of kind teams under channels:` };
  const url = env[channel.url_env]?.trim();
  if (!url) return { problem: `${channel.url_env} (the webhook of channel "${name}") is not set` };
  return { url };
}
