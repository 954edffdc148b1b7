// Both services in one process, sharing one store (SQLite in DATA_DIR, or Redis with REDIS_URL): `npm start`.
import { createDeployment } from "../deployment/create-deployment.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { configOrExit, loadDotEnv, onShutdown, startOrExit } from "./environment.ts";

loadDotEnv();
const [relay, toolServer] = configOrExit(
  () => loadRelayConfig(process.env),
  () => loadToolServerConfig(process.env),
);
const deployment = createDeployment({ env: process.env, relay, toolServer }, { service: "openwebui-github" });
const running = await startOrExit(deployment.start());
onShutdown(deployment.logger, running.close);
