import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDeployment, type DeploymentOptions } from "../deployment/create-deployment.ts";
import type { Env } from "../config/config-error.ts";
import { createLogger } from "../lib/logger.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import type { ToolDefinition } from "../tool-server/tool-definition.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { startGitHubStandIn, type GitHubStandIn } from "./github-stand-in.ts";
import { startScriptedModel, type ScriptedModel } from "./scripted-model.ts";
import { ensureOpenWebUI, openWebUIApi, startOpenWebUI, type OpenWebUIInstance } from "./open-webui-instance.ts";

const root = resolve(import.meta.dirname, "..");
export const webhookSecret = "whsec-real-open-webui";
export const toolServerKey = "tool-server-key-real-open-webui";
export const githubToken = "ghp_standin_token_0123456789";

export interface Timing {
  phase: string;
  ms: number;
}

/** Runs `npm run register` as a person would, with the given variables (and arguments, e.g. `--mcp`). */
export function runRegister(
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn("npm", ["run", "--silent", "register", ...(args.length > 0 ? ["--", ...args] : [])], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

export interface RealSystem {
  openWebUI: OpenWebUIInstance;
  github: GitHubStandIn;
  model: ScriptedModel;
  adminToken: string;
  adminKey: string;
  user: { id: string; name: string; email: string; password: string; token: string };
  toolServerUrl: string;
  relayUrl: string;
  logs: string[];
  timings: Timing[];
  stores: RelayStores;
  registerEnv: Record<string, string>;
  /** The services' variables (store, keys, addresses): a relay process started with them joins this system. */
  serviceEnv: Record<string, string>;
  /** Stops the in-process relay, so that a relay process can take its place. */
  stopRelay(): Promise<void>;
  restartToolServer(tools?: readonly ToolDefinition[]): Promise<void>;
  close(): Promise<void>;
}

export interface RealSystemOptions {
  openWebUIPort?: number;
  /** The Open WebUI release to install and start; the demo's by default. */
  openWebUIVersion?: string;
}

/**
 * The real Open WebUI, with our scripted model as its only provider, our relay
 * and tool server, and the GitHub stand-in. Registration goes through
 * `npm run register`, as a person would do it.
 */
export async function startRealSystem(
  log: (line: string) => void,
  options: RealSystemOptions = {},
): Promise<RealSystem> {
  // Stopped in reverse when a later step fails, so a failed start leaves no Open WebUI running.
  const started: Array<() => Promise<unknown>> = [];
  try {
    return await startParts(log, options, started);
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => {});
    throw error;
  }
}

async function startParts(
  log: (line: string) => void,
  options: RealSystemOptions,
  started: Array<() => Promise<unknown>>,
): Promise<RealSystem> {
  const timings: Timing[] = [];
  const time = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    timings.push({ phase, ms: Date.now() - started });
    log(`${phase}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };

  const { command } = await time("install Open WebUI (cached after the first run)", () =>
    ensureOpenWebUI(log, options.openWebUIVersion),
  );
  const github = await startGitHubStandIn({ token: githubToken });
  started.push(() => github.close());
  const model = await startScriptedModel();
  started.push(() => model.close());
  const openWebUI = await time("start Open WebUI", () =>
    startOpenWebUI({
      command,
      modelUrl: model.url,
      modelApiKey: model.apiKey,
      ...(options.openWebUIPort ? { port: options.openWebUIPort } : {}),
      // Lets the ordinary user use the scripted model without an admin sharing it through a workspace model first.
      env: { BYPASS_MODEL_ACCESS_CONTROL: "true" },
    }),
  );
  started.push(() => openWebUI.close());
  const api = openWebUIApi(openWebUI.url);
  const adminToken = await api.signIn(openWebUI.admin.email, openWebUI.admin.password);
  const adminKey = await api.createApiKey(adminToken);
  const userDetails = { name: "Grace Hopper", email: "grace@example.com", password: "user-password-0123" };
  const created = await api.addUser(adminToken, { ...userDetails, role: "user" });
  const user = { ...userDetails, id: created.id, token: await api.signIn(userDetails.email, userDetails.password) };

  const dataDir = mkdtempSync(join(tmpdir(), "real-owui-"));
  const stores = await openSqliteRelayStores({ dataDir });
  started.push(async () => {
    await stores.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const logs: string[] = [];
  const logger = createLogger({
    level: "debug",
    write: (line) => logs.push(line),
    secrets: [toolServerKey, adminKey, githubToken, webhookSecret],
  });
  const env = {
    GITHUB_WEBHOOK_SECRET: webhookSecret,
    GITHUB_TOKEN: githubToken,
    GITHUB_API_URL: github.url,
    GITHUB_REPOS: "Codertocat/*,octo/app",
    OPENWEBUI_URL: openWebUI.url,
    OPENWEBUI_API_KEY: adminKey,
    TOOL_SERVER_API_KEY: toolServerKey,
    PORT: "0",
    DATA_DIR: dataDir,
  };
  const githubPacing = { writeMs: 5, notificationMs: 5 };
  const deploymentOf = (serviceEnv: Env, tools?: readonly ToolDefinition[]) => {
    const options: DeploymentOptions = {
      logger,
      host: "127.0.0.1",
      github: { pacing: githubPacing },
      pollIntervalMs: 200,
      ...(tools ? { tools } : {}),
    };
    return createDeployment({ env: serviceEnv, relay: null, toolServer: loadToolServerConfig(serviceEnv) }, options);
  };
  let toolServer = await deploymentOf({ ...env, TOOL_SERVER_PORT: "0" }).startToolServer(stores);
  started.push(() => toolServer.close());
  // A restart keeps the address Open WebUI was registered with.
  const toolPort = new URL(toolServer.url).port;
  const registerEnv = {
    OPENWEBUI_URL: openWebUI.url,
    OPENWEBUI_API_KEY: adminKey,
    TOOL_SERVER_URL: toolServer.url,
    TOOL_SERVER_API_KEY: toolServerKey,
    OPENWEBUI_TOOL_SERVER_ID: "github",
  };
  const registered = await time("npm run register", () => runRegister(registerEnv));
  if (registered.code !== 0) throw new Error(`npm run register failed: ${registered.stderr}${registered.stdout}`);
  let relay: { url: string; close(): Promise<void> } | undefined = await createDeployment(
    { env, relay: loadRelayConfig(env), toolServer: null },
    { logger, host: "127.0.0.1", github: { pacing: githubPacing }, pollIntervalMs: 200 },
  ).startRelay(stores);

  return {
    openWebUI,
    github,
    model,
    adminToken,
    adminKey,
    user,
    toolServerUrl: toolServer.url,
    relayUrl: relay.url,
    serviceEnv: env,
    logs,
    timings,
    stores,
    registerEnv,
    async restartToolServer(tools) {
      await toolServer.close();
      toolServer = await deploymentOf({ ...env, TOOL_SERVER_PORT: toolPort }, tools).startToolServer(stores);
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
      await github.close();
      await stores.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
