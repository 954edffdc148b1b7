import { appClientFor, githubClientFor, type GitHubClientTuning } from "../github/create-github-client.ts";
import { createOwnLogin } from "../github/own-login.ts";
import { listen } from "../lib/listen.ts";
import type { Logger } from "../lib/logger.ts";
import type { WriteLimit } from "../store/coordination.ts";
import type { ToolServerStores } from "../store/stores.ts";
import { createToolServer } from "./create-tool-server.ts";
import type { ToolServerConfig } from "./load-tool-server-config.ts";
import type { ToolDefinition } from "./tool-definition.ts";
import { toolServerInfo } from "./openapi/tool-server-info.ts";
import { toolRegistry } from "./tool-registry.ts";
import { createToolServerMetrics } from "./tool-server-metrics.ts";

export interface ToolServerDependencies {
  /** Runs and coordination only: the tool server opens no delivery log or queue. */
  stores: ToolServerStores;
  logger: Logger;
  /** Open WebUI's client uses it too. */
  fetch?: typeof fetch;
  github?: GitHubClientTuning;
  host?: string;
  version?: string;
  /** Other deployment secrets that must never be posted (the relay's, when both run in one process). */
  extraSecrets?: readonly string[];
  /** GitHub's comment limits with shorter windows, for tests. */
  commentLimits?: readonly WriteLimit[];
  /** The tools to serve; the registry by default. */
  tools?: readonly ToolDefinition[];
}

export async function startToolServer(config: Readonly<ToolServerConfig>, deps: ToolServerDependencies) {
  const metrics = createToolServerMetrics({ processMetrics: true });
  const tuning = { ...(deps.fetch ? { fetch: deps.fetch } : {}), ...deps.github };
  const github = githubClientFor(config.github, deps.logger, { ...tuning, onRateLimit: metrics.githubRateLimit });
  // Run comments are found by their marker and by who posted them: the token's user or the app's bot.
  const app = config.github.app ? appClientFor(config.github, config.github.app, deps.logger, tuning) : undefined;
  const ownLogin = createOwnLogin({ github, configured: config.github.botLogin, logger: deps.logger, ...(app ? { app } : {}) });
  const server = createToolServer({
    tools: deps.tools ?? toolRegistry,
    deps: {
      github,
      runs: deps.stores.runs,
      coordination: deps.stores.coordination,
      allowList: config.github.allowList,
      logger: deps.logger,
      secrets: [config.github.token, config.github.app?.privateKey ?? "", config.apiKey, ...(deps.extraSecrets ?? [])].filter(Boolean),
      commentLimits: deps.commentLimits ?? config.github.commentLimits,
      ownLogin: ownLogin.resolve,
    },
    apiKey: config.apiKey,
    corsOrigins: config.corsOrigins,
    version: deps.version ?? toolServerInfo().version,
    metrics,
    metricsToken: config.metricsToken,
  });
  const listening = await listen(server, config.port, deps.host ?? "0.0.0.0");
  deps.logger.info("tool server listening", { url: listening.url, openapi: `${listening.url}/openapi.json` });
  return { url: listening.url, close: () => listening.close() };
}
