// Both services in one process, sharing one store (SQLite in DATA_DIR, or Redis with REDIS_URL): `npm start`.
import { loadRelayConfig, type RelayConfig } from "../relay/load-relay-config.ts";
import { startRelay } from "../relay/start-relay.ts";
import { loadToolServerConfig, type ToolServerConfig } from "../tool-server/load-tool-server-config.ts";
import { startToolServer } from "../tool-server/start-tool-server.ts";
import { openRelayStores } from "./open-store.ts";
import { configOrExit, loadDotEnv, onShutdown, processLogger } from "./environment.ts";

loadDotEnv();
const [relayConfig, toolConfig] = configOrExit<Readonly<RelayConfig> | Readonly<ToolServerConfig>>(
  () => loadRelayConfig(process.env),
  () => loadToolServerConfig(process.env),
) as [Readonly<RelayConfig>, Readonly<ToolServerConfig>];

const logger = processLogger(relayConfig.debug, [...relayConfig.secrets, toolConfig.apiKey], "openwebui-github");
// One connection for both: the tool server uses the relay's runs and coordination.
const stores = await openRelayStores(relayConfig, logger);
const toolServer = await startToolServer(toolConfig, { stores, logger, extraSecrets: relayConfig.secrets });
const relay = await startRelay(relayConfig, { stores, logger });
onShutdown(logger, async () => {
  await relay.close();
  await toolServer.close();
  await stores.close();
});
