// The cost bench's system (bench/event-kind-costs.ts): our relay and tool server for real, sharing
// one SQLite store as `npm start` does, with GitHub, Open WebUI and the model as stand-ins on loopback.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configFileLocation } from "../config/config-file-location.ts";
import { loadConfigFile } from "../config/load-config-file.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { createDeployment } from "../deployment/create-deployment.ts";
import { silentLogger } from "../lib/logger.ts";
import { openWebUIConnection, type ConnectionKind } from "../open-webui/tool-server-connection.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { startOpenWebUIStandIn } from "../stand-ins/open-webui-stand-in.ts";
import { startScriptedModel, type ModelScript, type ScriptedModel } from "../stand-ins/scripted-model.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";

export const benchWebhookSecret = "bench-event-kinds-webhook-secret";
const toolServerKey = "bench-event-kinds-tool-server-key";
// Open WebUI signs each tool call's user with it: the tool server knows a relay run by its verified account.
const userJwtSecret = "bench-event-kinds-forward-user-jwt-7c1e9a";

export interface EventKindSystem {
  github: GitHubStandIn;
  model: ScriptedModel;
  stores: RelayStores;
  webhookUrl: string;
  close(): Promise<void>;
}

/** Starts everything; the relay reaches the tools through the `connection` kind, with `configYaml` as its config file. */
export async function startEventKindSystem(options: {
  connection: ConnectionKind;
  configYaml: string;
  script: ModelScript;
}): Promise<EventKindSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-event-kinds-"));
  writeFileSync(join(dataDir, "openwebui-github.yml"), options.configYaml);
  const github = await startGitHubStandIn();
  const model = await startScriptedModel({ script: options.script });
  const openWebUI = await startOpenWebUIStandIn({
    modelUrl: model.url,
    modelApiKey: model.apiKey,
    forwardUserJwtSecret: userJwtSecret,
  });
  const stores = await openSqliteRelayStores({ dataDir });
  const env = {
    GITHUB_WEBHOOK_SECRET: benchWebhookSecret,
    GITHUB_TOKEN: "ghp_standin_token_0123456789",
    GITHUB_API_URL: github.url,
    GITHUB_REPOS: "Codertocat/*",
    OPENWEBUI_URL: openWebUI.url,
    OPENWEBUI_API_KEY: openWebUI.apiKey,
    OPENWEBUI_USER_JWT_SECRET: userJwtSecret,
    OPENWEBUI_TOOL_CONNECTION: options.connection,
    TOOL_SERVER_API_KEY: toolServerKey,
    TOOL_SERVER_PORT: "0",
    PORT: "0",
    DATA_DIR: dataDir,
  };
  // GitHub's waits shortened as in the drain bench: the stand-in is not GitHub, and the runs are what is measured.
  const shared = {
    logger: silentLogger,
    host: "127.0.0.1",
    github: { retry: { retries: 1, baseDelayMs: 5 }, pacing: { writeMs: 5, notificationMs: 5 } },
  };
  const toolServer = await createDeployment(
    { env, relay: null, toolServer: loadToolServerConfig(env) },
    shared,
  ).startToolServer(stores);
  // Both kinds registered, as `npm run register` and `npm run register -- --mcp` leave them; the relay picks one.
  await openWebUI.setToolServers(
    (["openapi", "mcp"] as const).map((kind) =>
      openWebUIConnection({ url: toolServer.url, key: toolServerKey, id: "github", kind }),
    ),
  );
  const configFile = loadConfigFile(configFileLocation({}, dataDir));
  const relay = await createDeployment(
    { env, relay: loadRelayConfig(env), toolServer: null, configFile },
    { ...shared, pollIntervalMs: 100 },
  ).startRelay(stores);
  return {
    github,
    model,
    stores,
    webhookUrl: `${relay.url}/webhook/github`,
    async close() {
      await relay.close();
      await toolServer.close();
      await openWebUI.close();
      await model.close();
      await github.close();
      await stores.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
