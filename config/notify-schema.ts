import { z } from "zod";

/** A channel's name, as a rule's `notify:` lists it. */
export const channelName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a channel name is letters, digits, '.', '_' or '-' (at most 64)");

// Webhook URLs carry their own credential, so the file names the variable that holds one, never the value.
// A refine, not a regex, so the problem does not quote the value: it may be the secret itself.
export const envName = z
  .string()
  .refine((name) => /^[A-Z_][A-Z0-9_]*$/.test(name), {
    message: "name an environment variable (upper-case letters, digits, _) that holds the secret, not the secret",
  })
  .meta({ description: "The environment variable holding the secret; the file never holds it in clear." });

const urlEnv = envName.meta({ description: "The environment variable holding the webhook URL (it is a secret)." });

const slackChannel = z
  .strictObject({
    kind: z.literal("slack"),
    url_env: urlEnv.optional(),
    token_env: envName
      .optional()
      .meta({ description: "The environment variable holding a bot token (xoxb-), for chat.postMessage." }),
    channel: z
      .string()
      .regex(/^[#A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'a Slack channel is an id such as "C0123456789" or "#name"')
      .optional()
      .meta({ description: "With token_env: the channel id (or #name) chat.postMessage posts to." }),
  })
  .superRefine((slack, ctx) => {
    const add = (message: string, key: string) => ctx.addIssue({ code: "custom", message, path: [key] });
    if (slack.url_env && slack.token_env) add("has url_env and token_env: keep only one", "token_env");
    else if (!slack.url_env && !slack.token_env)
      add("needs url_env (an incoming webhook) or token_env with channel (chat.postMessage)", "kind");
    else if (slack.token_env && !slack.channel) add("missing: add channel: with token_env", "token_env");
    else if (slack.url_env && slack.channel) add("an incoming webhook posts to its own channel: remove it", "channel");
  })
  .meta({ description: "Slack: an incoming webhook (url_env), or a bot token and a channel (chat.postMessage)." });

const discordChannel = z
  .strictObject({ kind: z.literal("discord"), url_env: urlEnv })
  .meta({ description: "Discord: a channel webhook." });

const teamsChannel = z
  .strictObject({ kind: z.literal("teams"), url_env: urlEnv })
  .meta({ description: "Microsoft Teams: a Workflows webhook that posts an Adaptive Card to a channel." });

export const channelSchema = z.discriminatedUnion("kind", [slackChannel, discordChannel, teamsChannel]);
export type ChannelConfig = z.output<typeof channelSchema>;

/** The `channels:` section of openwebui-github.yml: where a rule's `notify:` posts the run's result. */
export const channelsSchema = z
  .record(channelName, channelSchema)
  .meta({ description: "Named Slack, Discord and Teams channels a rule's notify: may post to." });
export type ChannelsConfig = z.output<typeof channelsSchema>;

/** A rule's `notify:` field: names defined under `channels:`. */
export const ruleNotifySchema = z
  .array(channelName)
  .min(1)
  .meta({ description: "Channels (defined under channels:) that get this rule's result after each run." });
