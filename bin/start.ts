// Both services in one process, sharing one store (SQLite in DATA_DIR, or Redis with REDIS_URL): `npm start`.
import { createDeployment } from "../deployment/create-deployment.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { configFileLocation } from "../config/config-file-location.ts";
import { loadConfigFile } from "../config/load-config-file.ts";
import { configOrExit, loadDotEnv, onReload, onShutdown, startOrExit } from "./environment.ts";

loadDotEnv();
const [relay, toolServer, configFile] = configOrExit(
  () => loadRelayConfig(process.env),
  () => loadToolServerConfig(process.env),
  () => loadConfigFile(configFileLocation(process.env, process.cwd()), process.env),
);
const deployment = createDeployment(
  { env: process.env, relay, toolServer, configFile },
  { service: "openwebui-github" },
);
onReload(deployment.logger, deployment.configFile);
const running = await startOrExit(deployment.start());
onShutdown(deployment.logger, running.close);
