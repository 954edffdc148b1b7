// The tool server alone. It reads the relay's run records from the same store (DATA_DIR, or REDIS_URL).
import { createDeployment } from "../deployment/create-deployment.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { configFileLocation } from "../config/config-file-location.ts";
import { loadConfigFile } from "../config/load-config-file.ts";
import { configOrExit, loadDotEnv, onReload, onShutdown, startOrExit } from "./environment.ts";

loadDotEnv();
const [toolServer, configFile] = configOrExit(
  () => loadToolServerConfig(process.env),
  () => loadConfigFile(configFileLocation(process.env, process.cwd())),
);
const deployment = createDeployment(
  { env: process.env, relay: null, toolServer, configFile },
  { service: "tool-server" },
);
onReload(deployment.logger, deployment.configFile);
const running = await startOrExit(deployment.start());
onShutdown(deployment.logger, running.close);
