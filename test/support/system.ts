import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, type Logger } from "../../lib/logger.ts";
import { createDeployment, type Deployment } from "../../deployment/create-deployment.ts";
import { loadRelayConfig } from "../../config/load-relay-config.ts";
import { randomUUID } from "node:crypto";
import type { WriteLimit } from "../../store/coordination.ts";
import type { LoadedConfigFile } from "../../config/load-config-file.ts";
import { openRedisRelayStores } from "../../store/redis/open-redis-stores.ts";
import { openSqliteRelayStores } from "../../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../../store/stores.ts";
import { loadToolServerConfig } from "../../config/load-tool-server-config.ts";
import { openWebUIConnection } from "../../open-webui/tool-server-connection.ts";
import { startGitHubStandIn, type GitHubStandIn, type GitHubStandInOptions } from "../../stand-ins/github-stand-in.ts";
import type { PeoplePolicy } from "../../config/people-schema.ts";
import type { ScheduleClock } from "../../relay/schedules/schedule-clock.ts";
import { startOpenWebUIStandIn, type OpenWebUIStandIn } from "../../stand-ins/open-webui-stand-in.ts";
import { waitFor } from "../../stand-ins/payloads.ts";
import { startScriptedModel, type ModelScript, type ScriptedModel } from "../../stand-ins/scripted-model.ts";

export const webhookSecret = "whsec-system-tests";
export const toolServerKey = "tool-server-key-system-tests";
export const systemUserJwtSecret = "open-webui-forward-secret-system-7c1e9a";

export interface System {
  github: GitHubStandIn;
  model: ScriptedModel;
  openWebUI: OpenWebUIStandIn;
  stores: RelayStores;
  dataDir: string;
  /** What points a relay process at this system's store: DATA_DIR, or REDIS_URL and REDIS_PREFIX. */
  storeEnv: Record<string, string>;
  toolServerUrl: string;
  relayUrl: string;
  webhookUrl: string;
  logs: string[];
  startRelay(env?: Record<string, string>): Promise<void>;
  /** Resolves once the relay's worker finds nothing due and runs nothing: wait on it before asserting that nothing else happened. */
  relayIdle(): Promise<void>;
  stopRelay(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Everything on loopback: our relay and tool server for real, GitHub, the
 * model and Open WebUI as strict stand-ins. The relay and the tool server
 * share one store (SQLite, or Redis with `redisUrl`), as `npm start` does.
 */
export async function startSystem(
  options: {
    script?: ModelScript;
    relayEnv?: Record<string, string>;
    /** Variables for both services (e.g. a GitHub App's instead of GITHUB_TOKEN: give GITHUB_TOKEN ""). */
    env?: Record<string, string>;
    startRelay?: boolean;
    githubOptions?: GitHubStandInOptions;
    commentLimits?: WriteLimit[];
    /** Sees every request the relay makes (to Open WebUI and GitHub). */
    relayFetch?: typeof fetch;
    modelDelayMs?: number;
    /** The model ids the scripted model serves (gpt-5 unless given). */
    models?: string[];
    /** A Redis to keep the store in (under a fresh prefix) instead of SQLite. */
    redisUrl?: string;
    /** Open WebUI signs the user of each tool call with this, and the tool server verifies it; null: off. */
    userJwtSecret?: string | null;
    /** The tool server's people policy (defaultPeoplePolicy without one). */
    people?: PeoplePolicy;
    /** The relay's openwebui-github.yml, as bin/ loads it; none by default. */
    configFile?: LoadedConfigFile;
    /** The version the Open WebUI stand-in reports, and whose chat shape it stores (default 0.12.4). */
    openWebUIVersion?: string;
    /** The relay's schedules' clock (test/support/manual-clock.ts); the machine's when absent. */
    scheduleClock?: ScheduleClock;
  } = {},
): Promise<System> {
  const logs: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), "system-"));
  const githubStandIn = await startGitHubStandIn(options.githubOptions);
  const model = await startScriptedModel({
    ...(options.script ? { script: options.script } : {}),
    ...(options.modelDelayMs ? { delayMs: options.modelDelayMs } : {}),
    ...(options.models ? { models: options.models } : {}),
  });
  // On unless a test turns it off: relay runs are recognised by the relay account's verified identity.
  const userJwtSecret = options.userJwtSecret === undefined ? systemUserJwtSecret : options.userJwtSecret;
  const openWebUI = await startOpenWebUIStandIn({
    modelUrl: model.url,
    modelApiKey: model.apiKey,
    ...(userJwtSecret ? { forwardUserJwtSecret: userJwtSecret } : {}),
    ...(options.openWebUIVersion ? { version: options.openWebUIVersion } : {}),
  });
  const storeEnv: Record<string, string> = options.redisUrl
    ? { REDIS_URL: options.redisUrl, REDIS_PREFIX: `test-${randomUUID()}` }
    : { DATA_DIR: dataDir };
  const stores = options.redisUrl
    ? await openRedisRelayStores({
        url: options.redisUrl,
        prefix: storeEnv.REDIS_PREFIX!,
        connectTimeoutMs: 5_000,
        commandTimeoutMs: 5_000,
      })
    : await openSqliteRelayStores({ dataDir });
  const env = {
    GITHUB_WEBHOOK_SECRET: webhookSecret,
    GITHUB_TOKEN: "ghp_standin_token_0123456789",
    GITHUB_API_URL: githubStandIn.url,
    GITHUB_REPOS: "Codertocat/*,octo/app",
    OPENWEBUI_URL: openWebUI.url,
    OPENWEBUI_API_KEY: openWebUI.apiKey,
    TOOL_SERVER_API_KEY: toolServerKey,
    TOOL_SERVER_PORT: "0",
    PORT: "0",
    DATA_DIR: dataDir,
    ...(userJwtSecret ? { OPENWEBUI_USER_JWT_SECRET: userJwtSecret } : {}),
    ...storeEnv,
    ...options.env,
  };
  // No redaction here: tests must see a secret that reaches a log line, not have it masked.
  const logger: Logger = createLogger({ level: "debug", write: (line) => logs.push(line) });
  // Shortened waits: retries and write spacing keep their logic, tests do not sit through seconds.
  const github = { retry: { retries: 1, baseDelayMs: 5 }, pacing: { writeMs: 5, notificationMs: 5 } };
  const shared = {
    logger,
    host: "127.0.0.1",
    github,
    ...(options.commentLimits ? { commentLimits: options.commentLimits } : {}),
    ...(options.people ? { people: () => options.people! } : {}),
  };
  const toolServer = await createDeployment(
    { env, relay: null, toolServer: loadToolServerConfig(env) },
    shared,
  ).startToolServer(stores);
  // Both kinds, as `npm run register` and `npm run register -- --mcp` leave them; OPENWEBUI_TOOL_CONNECTION picks the relay's.
  await openWebUI.setToolServers(
    (["openapi", "mcp"] as const).map((kind) =>
      openWebUIConnection({ url: toolServer.url, key: toolServerKey, id: "github", kind }),
    ),
  );

  let relay: Awaited<ReturnType<Deployment["startRelay"]>> | undefined;
  const system: System = {
    github: githubStandIn,
    model,
    openWebUI,
    stores,
    dataDir,
    storeEnv,
    toolServerUrl: toolServer.url,
    relayUrl: "",
    webhookUrl: "",
    logs,
    async startRelay(extraEnv = {}) {
      const relayEnv: Record<string, string> = { ...env, ...options.relayEnv, ...extraEnv };
      const deployment = createDeployment(
        { env: relayEnv, relay: loadRelayConfig(relayEnv), toolServer: null, configFile: options.configFile ?? null },
        {
          ...shared,
          // Polled often unless a test sets its own RELAY_POLL_INTERVAL_MS (one that must not be rescued by a poll).
          ...(relayEnv.RELAY_POLL_INTERVAL_MS ? {} : { pollIntervalMs: 100 }),
          ...(options.relayFetch ? { fetch: options.relayFetch } : {}),
          ...(options.scheduleClock ? { scheduleClock: options.scheduleClock } : {}),
        },
      );
      relay = await deployment.startRelay(stores);
      system.relayUrl = relay.url;
      system.webhookUrl = `${relay.url}/webhook/github`;
    },
    relayIdle() {
      if (!relay) throw new Error("the relay is not running");
      return relay.worker.idle();
    },
    async stopRelay() {
      await relay?.close();
      relay = undefined;
    },
    async close() {
      await relay?.close();
      await toolServer.close();
      await openWebUI.close();
      await model.close();
      await githubStandIn.close();
      await stores.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (options.startRelay !== false) await system.startRelay();
  return system;
}

/** Waits for a delivery sent by `deliver` (hook 424242) to reach an outcome, and returns its record. */
export function deliveryOutcome(stores: Pick<RelayStores, "deliveries">, deliveryId: string) {
  return waitFor(async () => {
    const record = await stores.deliveries.findByDeliveryId(deliveryId);
    return record && ["done", "failed", "ignored", "dead"].includes(record.status) ? record : undefined;
  }, `delivery ${deliveryId} to finish`);
}

/** The environment of a relay process (bin/relay.ts) working with this system's stand-ins and store. */
export function relayProcessEnv(system: System, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_WEBHOOK_SECRET: webhookSecret,
    GITHUB_TOKEN: "ghp_standin_token_0123456789",
    GITHUB_API_URL: system.github.url,
    GITHUB_REPOS: "Codertocat/*",
    GITHUB_BOT_LOGIN: "openwebui-ai-bot",
    OPENWEBUI_URL: system.openWebUI.url,
    OPENWEBUI_API_KEY: system.openWebUI.apiKey,
    TOOL_SERVER_API_KEY: toolServerKey,
    PORT: "0",
    ...system.storeEnv,
    ...extra,
  };
}
