import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createLogger } from "../../../lib/logger.ts";
import { createSqliteStore } from "../../../store/sqlite-store.ts";
import type { ToolDefinition } from "../../../tool-server/tool-definition.ts";
import { startRelayFor, startToolServerFor } from "../../support/start-services.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../../support/github-stand-in.ts";
import { startScriptedModel, type ScriptedModel } from "../../support/scripted-model.ts";
import { ensureOpenWebUI, freePort, openWebUIApi, startOpenWebUI, type OpenWebUIInstance } from "./open-webui-instance.ts";

const root = resolve(import.meta.dirname, "..", "..", "..");
export const webhookSecret = "whsec-real-open-webui";
export const toolServerKey = "tool-server-key-real-open-webui";
export const githubToken = "ghp_standin_token_0123456789";

export interface Timing {
  phase: string;
  ms: number;
}

/** Runs `npm run register` as a person would, with the given variables. */
export function runRegister(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn("npm", ["run", "--silent", "register"], { cwd: root, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
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
  store: ReturnType<typeof createSqliteStore>;
  registerEnv: Record<string, string>;
  restartToolServer(tools?: readonly ToolDefinition[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real Open WebUI, with our scripted model as its only provider, our relay
 * and tool server, and the GitHub stand-in. Registration goes through
 * `npm run register`, as a person would do it.
 */
export async function startRealSystem(log: (line: string) => void, options: { openWebUIPort?: number } = {}): Promise<RealSystem> {
  const timings: Timing[] = [];
  const time = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    timings.push({ phase, ms: Date.now() - started });
    log(`${phase}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };

  const { command } = await time("install Open WebUI (cached after the first run)", () => ensureOpenWebUI(log));
  const github = await startGitHubStandIn({ token: githubToken });
  const model = await startScriptedModel();
  const openWebUI = await time("start Open WebUI", () => startOpenWebUI({
      command,
      modelUrl: model.url,
      modelApiKey: model.apiKey,
      ...(options.openWebUIPort ? { port: options.openWebUIPort } : {}),
      // Lets the ordinary user use the scripted model without an admin sharing it through a workspace model first.
      env: { BYPASS_MODEL_ACCESS_CONTROL: "true" },
    }));
  const api = openWebUIApi(openWebUI.url);
  const adminToken = await api.signIn(openWebUI.admin.email, openWebUI.admin.password);
  const adminKey = await api.createApiKey(adminToken);
  const userDetails = { name: "Grace Hopper", email: "grace@example.com", password: "user-password-0123" };
  const created = await api.addUser(adminToken, { ...userDetails, role: "user" });
  const user = { ...userDetails, id: created.id, token: await api.signIn(userDetails.email, userDetails.password) };

  const dataDir = mkdtempSync(join(tmpdir(), "real-owui-"));
  const store = createSqliteStore({ dataDir });
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", write: (line) => logs.push(line), secrets: [toolServerKey, adminKey, githubToken, webhookSecret] });
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
  const toolPort = await freePort();
  const githubPacing = { writeMs: 5, notificationMs: 5 };
  let toolServer = await startToolServerFor({ ...env, TOOL_SERVER_PORT: String(toolPort) }, store, { logger, github: { pacing: githubPacing } });
  const registerEnv = { OPENWEBUI_URL: openWebUI.url, OPENWEBUI_API_KEY: adminKey, TOOL_SERVER_URL: toolServer.url, TOOL_SERVER_API_KEY: toolServerKey, OPENWEBUI_TOOL_SERVER_ID: "github" };
  const registered = await time("npm run register", () => runRegister(registerEnv));
  if (registered.code !== 0) throw new Error(`npm run register failed: ${registered.stderr}${registered.stdout}`);
  const relay = await startRelayFor(env, store, { logger, github: { pacing: githubPacing }, pollIntervalMs: 200 });

  return {
    openWebUI,
    github,
    model,
    adminToken,
    adminKey,
    user,
    toolServerUrl: toolServer.url,
    relayUrl: relay.url,
    logs,
    timings,
    store,
    registerEnv,
    async restartToolServer(tools) {
      await toolServer.close();
      toolServer = await startToolServerFor({ ...env, TOOL_SERVER_PORT: String(toolPort) }, store, { logger, github: { pacing: githubPacing }, ...(tools ? { tools } : {}) });
    },
    async close() {
      await relay.close();
      await toolServer.close();
      await openWebUI.close();
      await model.close();
      await github.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
