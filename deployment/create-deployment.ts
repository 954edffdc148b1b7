import type { GitHubClientTuning } from "../github/create-github-client.ts";
import { listen } from "../lib/listen.ts";
import { createLogger, type Logger } from "../lib/logger.ts";
import type { Env } from "../config/config-error.ts";
import { createRelay } from "../relay/create-relay.ts";
import type { RelayConfig } from "../config/load-relay-config.ts";
import type { WriteLimit } from "../store/coordination.ts";
import type { RelayStores, ToolServerStores } from "../store/stores.ts";
import { createToolServerApp } from "../tool-server/create-tool-server-app.ts";
import type { ToolServerConfig } from "../config/load-tool-server-config.ts";
import type { ToolDefinition } from "../tool-server/tool-definition.ts";
import { createGitHubClients } from "./create-github-clients.ts";
import { deploymentSecrets } from "./deployment-secrets.ts";
import { openRelayStores, openToolServerStores } from "./open-deployment-store.ts";
import { createOpenWebUIChat } from "./create-open-webui-chat.ts";

/** What this process runs: the relay, the tool server, or both (null: not here). */
export interface DeploymentConfig {
  /** The environment the configs were read from: every secret in it is one never to post. */
  env: Env;
  relay: Readonly<RelayConfig> | null;
  toolServer: Readonly<ToolServerConfig> | null;
}

/** What tests and the bench change: the network, shortened waits, their own logger. */
export interface DeploymentOptions {
  /** Without one, JSON lines on stdout with the deployment's secrets redacted. */
  logger?: Logger;
  /** The service name in each log line. */
  service?: string;
  /** For GitHub and Open WebUI. */
  fetch?: typeof fetch;
  github?: Omit<GitHubClientTuning, "fetch" | "onRateLimit">;
  host?: string;
  pollIntervalMs?: number;
  /** GitHub's comment limits with shorter windows. */
  commentLimits?: readonly WriteLimit[];
  /** The tool server's tools; the registry by default. */
  tools?: readonly ToolDefinition[];
}

export type Deployment = ReturnType<typeof createDeployment>;

/**
 * The composition root: builds what the services share once (the secrets never to post, the
 * logger that redacts them, the GitHub clients and their pacer, the Open WebUI client, the store
 * opener) and hands it down. Nothing listens until a service is started.
 */
export function createDeployment(config: DeploymentConfig, options: DeploymentOptions = {}) {
  const githubConfig = config.relay?.github ?? config.toolServer?.github;
  const storeConfig = config.relay ?? config.toolServer;
  if (!githubConfig || !storeConfig) throw new Error("a deployment runs the relay, the tool server or both");
  const secrets = deploymentSecrets(config.env);
  const debug = config.relay?.debug ?? config.toolServer?.debug ?? false;
  const logger =
    options.logger ??
    createLogger({
      level: debug ? "debug" : "info",
      secrets: [...secrets],
      base: { service: options.service ?? "openwebui-github" },
    });
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  const github = createGitHubClients(githubConfig, logger, { ...fetchOption, ...options.github });
  const openWebUI = config.relay ? createOpenWebUIChat(config.relay.openWebUI, fetchOption) : null;
  const host = options.host ?? "0.0.0.0";

  async function startRelay(stores: RelayStores) {
    if (!config.relay || !openWebUI) throw new Error("this deployment has no relay config");
    const relayConfig = config.relay;
    const relay = createRelay(relayConfig, {
      stores,
      logger,
      secrets,
      github,
      openWebUI,
      ...pick(options, "pollIntervalMs", "commentLimits"),
    });
    relay.start();
    const server = await listen(relay.handler, relayConfig.port, host, relayConfig.http).catch(
      async (error: unknown) => {
        // A port already in use: a caller that starts again elsewhere must not be left with this one's worker.
        await relay.close(0);
        throw error;
      },
    );
    logger.info("relay listening", {
      url: server.url,
      model: relayConfig.openWebUI.model,
      toolServer: `server:${relayConfig.openWebUI.toolServerId}`,
    });
    return {
      url: server.url,
      worker: relay.worker,
      registry: relay.registry,
      /** Stops taking webhooks and work; runs still going after the grace period go back to the queue. */
      close: async () => void (await Promise.all([server.close(), relay.close()])),
    };
  }

  async function startToolServer(stores: ToolServerStores) {
    if (!config.toolServer) throw new Error("this deployment has no tool server config");
    const app = createToolServerApp(config.toolServer, {
      stores,
      logger,
      secrets,
      github,
      ...pick(options, "commentLimits", "tools"),
    });
    const server = await listen(app, config.toolServer.port, host, config.toolServer.http);
    logger.info("tool server listening", { url: server.url, openapi: `${server.url}/openapi.json` });
    return { url: server.url, close: () => server.close() };
  }

  return {
    secrets,
    logger,
    github,
    openWebUI,
    openRelayStores: () => openRelayStores(storeConfig, logger),
    openToolServerStores: () => openToolServerStores(storeConfig, logger),
    startRelay,
    startToolServer,
    /**
     * Opens the stores and starts every service configured, the relay last (its worker calls the
     * tool server). With the relay here, the tool server shares its stores over one connection.
     */
    async start() {
      const stores = config.relay
        ? await openRelayStores(config.relay, logger)
        : await openToolServerStores(storeConfig, logger);
      const toolServer = config.toolServer ? await startToolServer(stores) : null;
      const relay = config.relay ? await startRelay(stores as RelayStores) : null;
      return {
        async close() {
          await relay?.close();
          await toolServer?.close();
          await stores.close();
        },
      };
    },
  };
}

function pick<T extends object, K extends keyof T>(from: T, ...keys: K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) picked[key] = from[key];
  return picked;
}
