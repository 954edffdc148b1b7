// The tool server alone. It reads the relay's run records from the same store (DATA_DIR, or REDIS_URL).
import { createDeployment } from "../deployment/create-deployment.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { configOrExit, loadDotEnv, onShutdown, startOrExit } from "./environment.ts";

loadDotEnv();
const [toolServer] = configOrExit(() => loadToolServerConfig(process.env));
const deployment = createDeployment({ env: process.env, relay: null, toolServer }, { service: "tool-server" });
const running = await startOrExit(deployment.start());
onShutdown(deployment.logger, running.close);
