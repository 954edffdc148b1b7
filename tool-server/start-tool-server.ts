import { githubClientFor, type GitHubClientTuning } from "../github/create-github-client.ts";
import { listen } from "../lib/listen.ts";
import type { Logger } from "../lib/logger.ts";
import type { Store, WriteLimit } from "../store/store.ts";
import { createToolServer } from "./create-tool-server.ts";
import type { ToolServerConfig } from "./load-tool-server-config.ts";
import type { ToolDefinition } from "./tool-definition.ts";
import { toolRegistry } from "./tool-registry.ts";
import { createToolServerMetrics } from "./tool-server-metrics.ts";

export interface ToolServerDependencies {
  store: Store;
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
  const github = githubClientFor(config.github, deps.logger, { ...(deps.fetch ? { fetch: deps.fetch } : {}), ...deps.github, onRateLimit: metrics.githubRateLimit });
  const app = createToolServer({
    tools: deps.tools ?? toolRegistry,
    deps: { github, store: deps.store, allowList: config.github.allowList, logger: deps.logger, secrets: [config.github.token, config.apiKey, ...(deps.extraSecrets ?? [])], commentLimits: deps.commentLimits ?? config.github.commentLimits },
    apiKey: config.apiKey,
    corsOrigins: config.corsOrigins,
    version: deps.version ?? "0.1.0",
    metrics,
    metricsToken: config.metricsToken,
  });
  const server = await listen(app, config.port, deps.host ?? "0.0.0.0");
  deps.logger.info("tool server listening", { url: server.url, openapi: `${server.url}/openapi.json` });
  return { url: server.url, close: () => server.close() };
}
