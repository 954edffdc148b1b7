// The tool server alone. It reads the relay's run records from the same store (DATA_DIR, or REDIS_URL).
import { loadToolServerConfig } from "../tool-server/load-tool-server-config.ts";
import { startToolServer } from "../tool-server/start-tool-server.ts";
import { redisPassword } from "../store/read-redis-config.ts";
import { openToolServerStores } from "./open-store.ts";
import { configOrExit, loadDotEnv, onShutdown, processLogger } from "./environment.ts";

loadDotEnv();
const [config] = configOrExit(() => loadToolServerConfig(process.env));
if (!config) process.exit(78);
const logger = processLogger(config.debug, [config.github.token, config.github.app?.privateKey ?? "", config.apiKey, config.metricsToken ?? "", redisPassword(config.redis)].filter(Boolean), "tool-server");
const stores = await openToolServerStores(config, logger);
const toolServer = await startToolServer(config, { stores, logger });
onShutdown(logger, async () => {
  await toolServer.close();
  await stores.close();
});
