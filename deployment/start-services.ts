import type { ConfigHolder } from "../config/config-holder.ts";
import type { DeploymentConfig, DeploymentOptions } from "./deployment-config.ts";
import type { GitHubClients } from "./create-github-clients.ts";
import type { OpenWebUIChat } from "./create-open-webui-chat.ts";
import { listen } from "../lib/listen.ts";
import { openWebUIToolId } from "../open-webui/tool-server-connection.ts";
import type { Logger } from "../lib/logger.ts";
import { createRelay } from "../relay/create-relay.ts";
import { effectiveRules } from "../relay/rules/builtin-rule.ts";
import { webhookSecret } from "../config/resolve-webhooks.ts";
import { createChannelNotifier } from "./create-channel-notifier.ts";
import { teamsAnswerUrl } from "../relay/chat/teams-answer-url.ts";
import { readOpenWebUIVersion, reportOpenWebUIVersion } from "../open-webui/open-webui-version.ts";
import { createOpenWebUIRequest } from "../open-webui/open-webui-request.ts";
import type { RelayStores, ToolServerStores } from "../store/stores.ts";
import { createToolServerApp } from "../tool-server/create-tool-server-app.ts";

/** What the composition root built once, handed to each service it starts. */
export interface BuiltDeployment {
  config: DeploymentConfig;
  options: DeploymentOptions;
  logger: Logger;
  secrets: readonly string[];
  github: GitHubClients;
  openWebUI: OpenWebUIChat | null;
  /** Overrides the services' HOST (tests). */
  host: string | undefined;
  configFile: ConfigHolder;
}

export async function startRelayService(built: BuiltDeployment, stores: RelayStores) {
  const { config, options, logger, secrets, github, openWebUI, host, configFile } = built;
  if (!config.relay || !openWebUI) throw new Error("this deployment has no relay config");
  const relayConfig = config.relay;
  const address = host ?? relayConfig.host;
  const relay = createRelay(relayConfig, {
    stores,
    logger,
    secrets,
    github,
    openWebUI,
    reloadConfig: configFile.reload,
    rules: () => effectiveRules(configFile.current().rules),
    notify: createChannelNotifier(configFile, config.env, {
      logger,
      secrets,
      ...pick(options, "fetch", "notifyTimeouts"),
    }),
    webhookSecret: (name) => webhookSecret(configFile.current().webhooks, config.env, name),
    ...pick(options, "pollIntervalMs", "commentLimits", "scheduleClock"),
    teamsAnswerUrl: (channelId) => teamsAnswerUrl(configFile.current(), config.env, channelId),
  });
  // A reload that changes the file may add, remove or change schedules.
  const stopListening = configFile.onChange(() => void relay.reschedule());
  relay.start();
  const server = await listen(relay.handler, relayConfig.port, address, relayConfig.http).catch(
    async (error: unknown) => {
      // A port already in use: a caller that starts again elsewhere must not be left with this one's worker.
      stopListening();
      await relay.close(0);
      throw error;
    },
  );
  logger.info("relay listening", {
    url: server.url,
    host: address,
    model: relayConfig.openWebUI.model,
    toolServer: openWebUIToolId(relayConfig.openWebUI.toolServerId, relayConfig.openWebUI.toolConnection),
  });
  // Not awaited: a relay must take deliveries even while Open WebUI is down or of another version.
  // Its own request: this is no run, so a failure is not counted as a model error.
  const { url, apiKey, requestTimeoutMs } = relayConfig.openWebUI;
  const request = createOpenWebUIRequest({ baseUrl: url, apiKey, ...pick(options, "fetch") });
  const versionReported = reportOpenWebUIVersion(() => readOpenWebUIVersion(request, requestTimeoutMs), logger);
  return {
    url: server.url,
    worker: relay.worker,
    registry: relay.registry,
    /** Resolves once the schedules' missed ticks are stored (tests wait on it). */
    schedulesReady: relay.schedulesReady,
    /** Stops taking webhooks and work; runs still going after the grace period go back to the queue. */
    close: async () => {
      stopListening();
      await Promise.all([server.close(), relay.close(), versionReported]);
    },
  };
}

export async function startToolServerService(built: BuiltDeployment, stores: ToolServerStores) {
  const { config, options, logger, secrets, github, host, configFile } = built;
  if (!config.toolServer) throw new Error("this deployment has no tool server config");
  const app = createToolServerApp(config.toolServer, {
    stores,
    logger,
    secrets,
    github,
    ...pick(options, "commentLimits", "tools", "workflowDispatch"),
    // The config file's people: section, asked on every call (a reload takes effect at once); tests pass their own.
    people: options.people ?? configFile.people,
  });
  const address = host ?? config.toolServer.host;
  const server = await listen(app, config.toolServer.port, address, config.toolServer.http);
  logger.info("tool server listening", { url: server.url, host: address, openapi: `${server.url}/openapi.json` });
  return { url: server.url, close: () => server.close() };
}

function pick<T extends object, K extends keyof T>(from: T, ...keys: K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) picked[key] = from[key];
  return picked;
}
