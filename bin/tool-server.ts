// The tool server alone. It reads the relay's run records from the same DATA_DIR.
import { createSqliteStore } from "../store/sqlite-store.ts";
import { loadToolServerConfig } from "../tool-server/load-tool-server-config.ts";
import { startToolServer } from "../tool-server/start-tool-server.ts";
import { configOrExit, loadDotEnv, onShutdown, processLogger } from "./environment.ts";

loadDotEnv();
const [config] = configOrExit(() => loadToolServerConfig(process.env));
if (!config) process.exit(78);
const logger = processLogger(config.debug, [config.github.token, config.github.app?.privateKey ?? "", config.apiKey].filter(Boolean), "tool-server");
const store = createSqliteStore({ dataDir: config.dataDir });
const toolServer = await startToolServer(config, { store, logger });
onShutdown(logger, async () => {
  await toolServer.close();
  await store.close();
});
