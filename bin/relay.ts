// The relay alone (docker compose runs it and the tool server as two containers).
import { createDeployment } from "../deployment/create-deployment.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { configOrExit, loadDotEnv, onShutdown, startOrExit } from "./environment.ts";

loadDotEnv();
const [relay] = configOrExit(() => loadRelayConfig(process.env));
const deployment = createDeployment({ env: process.env, relay, toolServer: null }, { service: "relay" });
const running = await startOrExit(deployment.start());
onShutdown(deployment.logger, running.close);
