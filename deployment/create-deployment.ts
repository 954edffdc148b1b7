import { createConfigHolder } from "../config/config-holder.ts";
import { createLogger } from "../lib/logger.ts";
import type { RelayStores, ToolServerStores } from "../store/stores.ts";
import { createGitHubClients } from "./create-github-clients.ts";
import { createOpenWebUIChat } from "./create-open-webui-chat.ts";
import type { DeploymentConfig, DeploymentOptions } from "./deployment-config.ts";
import { deploymentSecrets } from "./deployment-secrets.ts";
import { openRelayStores, openToolServerStores } from "./open-deployment-store.ts";
import { startRelayService, startToolServerService } from "./start-services.ts";

export type { DeploymentConfig, DeploymentOptions } from "./deployment-config.ts";

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
  const secrets = deploymentSecrets(config.env, config.configFile?.config);
  const debug = config.relay?.debug ?? config.toolServer?.debug ?? false;
  const logger =
    options.logger ??
    createLogger({
      level: debug ? "debug" : "info",
      secrets: [...secrets],
      base: { service: options.service ?? "openwebui-github" },
    });
  // Swapped on SIGHUP or the deliveries page's reload; readers ask it each time, never keep a copy.
  // With the relay here, a reload checks the channels' and webhooks' variables, as start-up did;
  // a tool server alone is given none of them.
  const configFile = createConfigHolder(config.configFile ?? null, logger, config.relay ? config.env : undefined);
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  const github = createGitHubClients(githubConfig, logger, { ...fetchOption, ...options.github });
  const openWebUI = config.relay ? createOpenWebUIChat(config.relay.openWebUI, fetchOption) : null;
  // A test may pin every service to one address; otherwise each listens on its config's HOST.
  const host = options.host;

  const built = { config, options, logger, secrets, github, openWebUI, host, configFile };
  const startRelay = (stores: RelayStores) => startRelayService(built, stores);
  const startToolServer = (stores: ToolServerStores) => startToolServerService(built, stores);

  return {
    secrets,
    logger,
    /** openwebui-github.yml: current(), reload(), onChange(listener). */
    configFile,
    /** The people policy now (the file's people: section or the default); ask it on every call. */
    peoplePolicy: configFile.people,
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
