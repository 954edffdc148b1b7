// The relay alone (docker compose runs it and the tool server as two containers).
import { createDeployment } from "../deployment/create-deployment.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { configFileLocation } from "../config/config-file-location.ts";
import { loadConfigFile } from "../config/load-config-file.ts";
import { configOrExit, loadDotEnv, onReload, onShutdown, startOrExit } from "./environment.ts";

loadDotEnv();
const [relay, configFile] = configOrExit(
  () => loadRelayConfig(process.env),
  () => loadConfigFile(configFileLocation(process.env, process.cwd()), process.env),
);
const deployment = createDeployment({ env: process.env, relay, toolServer: null, configFile }, { service: "relay" });
onReload(deployment.logger, deployment.configFile);
const running = await startOrExit(deployment.start());
onShutdown(deployment.logger, running.close);
