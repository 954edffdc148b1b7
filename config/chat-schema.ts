import { z } from "zod";
import { channelName } from "./notify-schema.ts";

/**
 * The `chat:` section of openwebui-github.yml: where answers to questions asked in a chat platform go
 * when the platform itself gives no way back. Teams' outgoing webhook must reply within 5 seconds, so
 * its full answer is posted later through the channel's Workflows webhook, named under channels:.
 */
export const chatSchema = z
  .strictObject({
    teams_channels: z
      .record(
        z
          .string()
          .min(1)
          .max(200)
          .meta({ description: 'A Teams channel id ("19:…@thread.tacv2"), or "*" for any other.' }),
        channelName,
      )
      .optional()
      .meta({
        description:
          'Per Teams channel, the channel (under channels:, of kind teams) its answers are posted to; "*" for every channel not listed.',
      }),
  })
  .meta({ description: "Answers to questions asked in Slack, Discord and Teams." });
export type ChatConfig = z.infer<typeof chatSchema>;
