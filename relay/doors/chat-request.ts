/**
 * What a chat door stores as a delivery's payload: everything the worker needs to run the chat and
 * answer where the question was asked, without the platform's raw body (the relay never reads that
 * again). One shape for both platforms, so the worker has one reader.
 */
export type ChatRequest = SlackMention | SlackCommand | DiscordCommand | TeamsMention;

interface ChatRequestBase {
  /** The workspace (Slack team) or server (Discord guild); null in a Discord direct message. */
  teamId: string | null;
  channelId: string;
  /** Who asked: the platform's user id, for mapping to a person's policy. */
  userId: string;
  /** The question as the person typed it (a Slack mention still holds the `<@U…>` of the bot). */
  text: string;
}

export interface SlackMention extends ChatRequestBase {
  platform: "slack";
  kind: "app_mention";
  /** The thread to answer in: the mention's own `thread_ts`, or its `ts` to start one. */
  threadTs: string;
}

export interface SlackCommand extends ChatRequestBase {
  platform: "slack";
  kind: "command";
  /** The slash command, e.g. `/ask`. */
  command: string;
  /** Where the answer goes (Slack: valid 30 minutes, 5 posts), and until when (ms). */
  responseUrl: string;
  expiresAt: number;
}

export interface DiscordCommand extends ChatRequestBase {
  platform: "discord";
  kind: "command";
  command: string;
  /** The follow-up goes to /webhooks/{applicationId}/{token}, valid 15 minutes (until `expiresAt`, ms). */
  applicationId: string;
  interactionToken: string;
  expiresAt: number;
}

export interface TeamsMention extends ChatRequestBase {
  platform: "teams";
  kind: "mention";
  /** Who asked, by name: Teams' outgoing webhooks give no way to mention them back, the answer names them. */
  userName: string | null;
}

/** The delivery events the chat doors store; the worker answers them with a chat run (relay/chat/). */
export const chatEvents: readonly string[] = ["slack", "discord", "teams"];

export function isChatEvent(event: string): boolean {
  return chatEvents.includes(event);
}
