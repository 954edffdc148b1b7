// The relay alone (docker compose runs it and the tool server as two containers).
import { loadRelayConfig } from "../relay/load-relay-config.ts";
import { startRelay } from "../relay/start-relay.ts";
import { openRelayStores } from "./open-store.ts";
import { configOrExit, loadDotEnv, onShutdown, processLogger } from "./environment.ts";

loadDotEnv();
const [config] = configOrExit(() => loadRelayConfig(process.env));
if (!config) process.exit(78);
const logger = processLogger(config.debug, config.secrets, "relay");
const stores = await openRelayStores(config, logger);
const relay = await startRelay(config, { stores, logger });
onShutdown(logger, async () => {
  await relay.close();
  await stores.close();
});
