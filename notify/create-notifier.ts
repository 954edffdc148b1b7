import type { ResolvedChannel } from "../config/resolve-channels.ts";
import { channelSecrets } from "../config/resolve-channels.ts";
import { redactCredentials } from "../github/safe-comment.ts";
import type { Logger } from "../lib/logger.ts";
import { discordRequest } from "./discord-request.ts";
import type { NotifyMessage, NotifyOutcome, NotifyTimeouts, PlatformRequest } from "./notify-types.ts";
import { sendWithRetries } from "./send-with-retries.ts";
import { slackRequest } from "./slack-request.ts";
import { teamsRequest } from "./teams-request.ts";

export interface NotifierOptions {
  fetch?: typeof globalThis.fetch;
  logger: Logger;
  /** The deployment's secrets: never posted. The channels' own URLs and tokens are added here. */
  secrets: readonly string[];
  timeouts: NotifyTimeouts;
}

export interface Notifier {
  /** Posts `message` to the named channel. Never throws: the outcome says what happened. */
  notify(channelName: string, message: NotifyMessage): Promise<NotifyOutcome>;
  /** The channels' names, for a `notify:` check at runtime. */
  readonly channels: readonly string[];
}

/**
 * Posts a run's result to Slack, Discord or Teams. A notification is an extra: its failure is
 * logged and returned, never thrown, so it cannot fail the GitHub side of a run.
 */
export function createNotifier(channels: readonly ResolvedChannel[], options: NotifierOptions): Notifier {
  const { timeouts } = options;
  if (!(timeouts.attempts >= 1 && timeouts.attemptMs > 0 && timeouts.attemptMs <= timeouts.totalMs))
    throw new Error("notify timeouts: need attempts >= 1 and 0 < attemptMs <= totalMs (one attempt inside the whole)");
  const byName = new Map(channels.map((channel) => [channel.name, channel]));
  const secrets = [...options.secrets, ...channelSecrets(channels)];
  const redact = (text: string) => redactCredentials(text, secrets);
  const send = { fetch: options.fetch ?? globalThis.fetch, timeouts, redact };

  async function notify(channelName: string, message: NotifyMessage): Promise<NotifyOutcome> {
    const channel = byName.get(channelName);
    if (!channel) return { channel: channelName, ok: false, attempts: 0, error: `no channel named "${channelName}"` };
    let outcome: NotifyOutcome;
    try {
      const clean = {
        title: redact(message.title),
        link: message.link && redact(message.link),
        text: redact(message.text),
      };
      outcome = { channel: channelName, ...(await sendWithRetries(requestFor(channel, clean), send)) };
    } catch (error) {
      // A bug of ours must not fail the run either; the message is redacted like any other.
      outcome = { channel: channelName, ok: false, attempts: 0, error: redact(String(error)) };
    }
    const fields = { ...outcome, kind: channel.kind, deliveryId: message.deliveryId };
    if (outcome.ok) options.logger.info("notification posted", fields);
    else options.logger.warn("notification failed", fields);
    return outcome;
  }

  return { notify, channels: [...byName.keys()] };
}

function requestFor(channel: ResolvedChannel, message: NotifyMessage): PlatformRequest {
  switch (channel.kind) {
    case "slack-webhook":
    case "slack-bot":
      return slackRequest(channel, message);
    case "discord":
      return discordRequest(channel, message);
    case "teams":
      return teamsRequest(channel, message);
  }
}
