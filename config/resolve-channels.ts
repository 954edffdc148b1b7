import { ConfigError, type Env } from "./config-error.ts";
import type { ConfigFile } from "./config-file-schema.ts";
import type { ConfigIssue } from "./describe-config-issues.ts";
import type { ChannelConfig, ChannelsConfig } from "./notify-schema.ts";

/** A channel with its secret read from the environment: what the notifier posts with. */
export type ResolvedChannel =
  | { name: string; kind: "slack-webhook"; url: string }
  | { name: string; kind: "slack-bot"; token: string; channel: string; apiUrl: string }
  | { name: string; kind: "discord"; url: string }
  | { name: string; kind: "teams"; url: string };

/** Slack's Web API; SLACK_API_URL points the tests at a stand-in. */
const defaultSlackApiUrl = "https://slack.com/api";

/** Each rule's `notify:` name that `channels:` does not define, at the name in the file. */
export function notifyProblems(config: ConfigFile): ConfigIssue[] {
  const defined = Object.keys(config.channels ?? {});
  return (config.rules ?? []).flatMap((rule, index) =>
    (rule.notify ?? []).flatMap((name, at) =>
      defined.includes(name)
        ? []
        : [
            {
              path: ["rules", index, "notify", at],
              atKey: false,
              message: `rule "${rule.name}": no channel named "${name}"; ${defined.length ? `define it under channels: (defined: ${defined.join(", ")})` : "define it under channels:"}`,
            },
          ],
    ),
  );
}

/** Each channel whose variable is unset, empty or not usable, at the key naming it. */
export function channelEnvProblems(channels: ChannelsConfig | undefined, env: Env): ConfigIssue[] {
  return Object.entries(channels ?? {}).flatMap(([name, channel]) =>
    secretKeys(channel).flatMap((key) => {
      const variable = channel[key as keyof ChannelConfig] as string;
      const problem = valueProblem(key, env[variable]?.trim());
      if (!problem) return [];
      return [{ path: ["channels", name, key], atKey: false, message: `${variable} ${problem}` }];
    }),
  );
}

/** The channels with their secrets, or a ConfigError naming each variable to set. */
export function resolveChannels(channels: ChannelsConfig | undefined, env: Env): ResolvedChannel[] {
  const problems = channelEnvProblems(channels, env);
  if (problems.length > 0)
    throw new ConfigError(problems.map((p) => `channels.${String(p.path[1])}.${String(p.path[2])}: ${p.message}`));
  const read = (variable: string) => env[variable]!.trim();
  const slackApiUrl = (env.SLACK_API_URL?.trim() || defaultSlackApiUrl).replace(/\/+$/, "");
  return Object.entries(channels ?? {}).map(([name, channel]): ResolvedChannel => {
    if (channel.kind !== "slack") return { name, kind: channel.kind, url: read(channel.url_env) };
    if (channel.url_env) return { name, kind: "slack-webhook", url: read(channel.url_env) };
    return { name, kind: "slack-bot", token: read(channel.token_env!), channel: channel.channel!, apiUrl: slackApiUrl };
  });
}

/** What must join the deployment's secrets: never posted, never logged. */
export function channelSecrets(channels: readonly ResolvedChannel[]): string[] {
  return channels.map((channel) => ("url" in channel ? channel.url : channel.token));
}

function secretKeys(channel: ChannelConfig): string[] {
  return ["url_env", "token_env"].filter((key) => key in channel && channel[key as keyof ChannelConfig]);
}

function valueProblem(key: string, value: string | undefined): string | null {
  if (!value) return "is not set: set it in the environment (.env), or remove this channel";
  if (key === "token_env") return /^xox[bp]-/.test(value) ? null : "does not hold a Slack bot token (xoxb-...)";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "does not hold a URL: set it to the webhook URL the platform gave you";
  }
  return url.protocol === "https:" || url.protocol === "http:" ? null : "must hold an https:// webhook URL";
}
