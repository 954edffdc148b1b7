import { createDeployment, type DeploymentOptions } from "../../deployment/create-deployment.ts";
import { silentLogger } from "../../lib/logger.ts";
import type { Env } from "../../config/config-error.ts";
import { loadRelayConfig } from "../../config/load-relay-config.ts";
import type { RelayStores, ToolServerStores } from "../../store/stores.ts";
import { loadToolServerConfig } from "../../config/load-tool-server-config.ts";

/** The tool server of a deployment with this environment, in this process, on loopback. */
export function startToolServerFor(env: Env, stores: ToolServerStores, options: DeploymentOptions = {}) {
  return createDeployment(
    { env, relay: null, toolServer: loadToolServerConfig(env) },
    { logger: silentLogger, host: "127.0.0.1", ...options },
  ).startToolServer(stores);
}

/** The relay of a deployment with this environment, in this process, on loopback. */
export function startRelayFor(env: Env, stores: RelayStores, options: DeploymentOptions = {}) {
  return createDeployment(
    { env, relay: loadRelayConfig(env), toolServer: null },
    { logger: silentLogger, host: "127.0.0.1", ...options },
  ).startRelay(stores);
}
