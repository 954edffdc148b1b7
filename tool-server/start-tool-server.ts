import { createGitHubClient } from "../github/create-github-client.ts";
import { listen } from "../lib/listen.ts";
import type { Logger } from "../lib/logger.ts";
import type { Store } from "../store/store.ts";
import { createToolServer } from "./create-tool-server.ts";
import type { ToolServerConfig } from "./load-tool-server-config.ts";
import type { ToolDefinition } from "./tool-definition.ts";
import { toolRegistry } from "./tool-registry.ts";

export interface ToolServerDependencies {
  store: Store;
  logger: Logger;
  fetch?: typeof fetch;
  /** Retries of failed GitHub requests; tests shorten the wait. */
  githubRetry?: { retries: number; baseDelayMs: number };
  /** Spacing of GitHub writes; tests shorten it. */
  githubPacing?: { writeMs: number; notificationMs: number };
  host?: string;
  version?: string;
  /** The tools to serve; the registry by default. */
  tools?: readonly ToolDefinition[];
}

export async function startToolServer(config: Readonly<ToolServerConfig>, deps: ToolServerDependencies) {
  const github = createGitHubClient({ token: config.github.token, baseUrl: config.github.apiUrl, timeoutMs: config.github.timeoutMs, logger: deps.logger, ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.githubRetry ? { retry: deps.githubRetry } : {}), ...(deps.githubPacing ? { pacing: deps.githubPacing } : {}) });
  const app = createToolServer({
    tools: deps.tools ?? toolRegistry,
    deps: { github, store: deps.store, allowList: config.github.allowList, logger: deps.logger },
    apiKey: config.apiKey,
    corsOrigins: config.corsOrigins,
    version: deps.version ?? "0.1.0",
  });
  const server = await listen(app, config.port, deps.host ?? "0.0.0.0");
  deps.logger.info("tool server listening", { url: server.url, openapi: `${server.url}/openapi.json` });
  return { url: server.url, close: () => server.close() };
}
