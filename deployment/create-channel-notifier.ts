import type { ConfigHolder } from "../config/config-holder.ts";
import { ConfigError, type Env } from "../config/config-error.ts";
import type { ChannelsConfig } from "../config/notify-schema.ts";
import { resolveChannels } from "../config/resolve-channels.ts";
import type { Logger } from "../lib/logger.ts";
import { createNotifier, type Notifier } from "../notify/create-notifier.ts";
import { defaultNotifyTimeouts, type NotifyTimeouts } from "../notify/notify-types.ts";
import type { NotifyChannel } from "../relay/notify-after-run.ts";

export interface ChannelNotifierOptions {
  logger: Logger;
  /** The deployment's secrets; the channels' own URLs and tokens join them in the notifier. */
  secrets: readonly string[];
  fetch?: typeof fetch;
  timeouts?: NotifyTimeouts;
}

/**
 * Posts to the channels of the config file as it is now: the notifier is built again after a
 * reload changed `channels:`, with the secrets read from `env` (the holder refused a file whose
 * variables are unset, so resolving fails only for a file loaded without that check).
 */
export function createChannelNotifier(
  configFile: ConfigHolder,
  env: Env,
  options: ChannelNotifierOptions,
): NotifyChannel {
  let built: { channels: ChannelsConfig | undefined; notifier: Notifier } | undefined;
  return async (channel, message) => {
    const { channels } = configFile.current();
    if (!built || built.channels !== channels) {
      try {
        const resolved = resolveChannels(channels, env);
        const timeouts = options.timeouts ?? defaultNotifyTimeouts;
        built = { channels, notifier: createNotifier(resolved, { ...options, timeouts }) };
      } catch (error) {
        // The problems name variables, never their values.
        const reason = error instanceof ConfigError ? error.problems.join("; ") : String(error);
        return { channel, ok: false, attempts: 0, error: reason };
      }
    }
    return built.notifier.notify(channel, message);
  };
}
