import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { supportedOpenWebUI, supportedRangeText, versionSupport } from "../open-webui/open-webui-version.ts";
import { startOnFreePort } from "./free-port.ts";

/** The Open WebUI release the demo (and docker-compose.yml) run: the newest supported. */
export const openWebUIVersion = supportedOpenWebUI.newest;

/** The releases the real suite runs against, each from its own cached virtualenv: both ends of the supported range. */
export const testedOpenWebUIVersions: readonly string[] = [supportedOpenWebUI.newest, supportedOpenWebUI.oldest];

/** This run's release: OPENWEBUI_TEST_VERSION (any release in the supported range), or the newest. */
export function openWebUIVersionUnderTest(env: NodeJS.ProcessEnv = process.env): string {
  const asked = env.OPENWEBUI_TEST_VERSION?.trim() || openWebUIVersion;
  const support = versionSupport(asked);
  if (!support.supported || !/^\d+\.\d+\.\d+$/.test(asked))
    throw new Error(
      `OPENWEBUI_TEST_VERSION=${asked}: give a release from ${supportedRangeText}, e.g. ${testedOpenWebUIVersions.join(" or ")}`,
    );
  return asked;
}
// A CPU build of this torch lies on this project's machines; installing it first keeps pip from downloading a multi-GB CUDA build.
const torchVersion = "2.13.0";

export function cacheDir(): string {
  return (
    process.env.OPENWEBUI_GITHUB_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "openwebui-github")
  );
}

function run(command: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const forward = (data: Buffer) => {
      for (const line of data.toString().split("\n"))
        if (line.trim() && !line.includes("is ignored: it is neither a file nor a directory")) log(line);
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`)),
    );
  });
}

/**
 * A virtualenv in the cache folder holding `packages`, created once and reused;
 * a marker file says the install finished. Returns the venv's bin folder.
 */
export async function ensureVenv(
  name: string,
  packages: string[][],
  log: (line: string) => void,
): Promise<{ bin: string; installed: boolean }> {
  const venv = join(cacheDir(), name);
  const bin = join(venv, "bin");
  const marker = join(venv, ".installed");
  if (existsSync(marker)) return { bin, installed: false };
  log(`Installing ${packages.flat().join(" ")} into ${venv} (first use only)...`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(cacheDir(), { recursive: true });
  await run("python3", ["-m", "venv", venv], log);
  for (const step of packages) await run(join(bin, "pip"), ["install", "--progress-bar", "off", ...step], log);
  await run("touch", [marker], log);
  return { bin, installed: true };
}

/** The pinned Schemathesis, for fuzzing the tool server from its OpenAPI document. */
export const schemathesisVersion = "4.32.5";

/**
 * Installs an Open WebUI release (the demo's by default) into a virtualenv of its own outside the
 * repository, once; later runs reuse it. Returns the path of the `open-webui` command.
 */
export async function ensureOpenWebUI(
  log: (line: string) => void = () => {},
  version: string = openWebUIVersion,
): Promise<{ command: string; installed: boolean }> {
  const { bin, installed } = await ensureVenv(
    `venv-${version}`,
    [[`torch==${torchVersion}`], [`open-webui==${version}`]],
    log,
  );
  return { command: join(bin, "open-webui"), installed };
}

export interface OpenWebUIInstance {
  url: string;
  admin: { email: string; password: string; name: string };
  dataDir: string;
  output: string[];
  close(): Promise<void>;
}

export interface OpenWebUIOptions {
  command: string;
  modelUrl: string;
  modelApiKey: string;
  /** Without one, a free port (and another, should a program take it while Open WebUI starts). */
  port?: number;
  dataDir?: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/**
 * Starts Open WebUI offline on loopback, with `modelUrl` (an OpenAI-compatible
 * server) as its only model provider, and waits until /ready says it is up.
 */
export function startOpenWebUI(options: OpenWebUIOptions): Promise<OpenWebUIInstance> {
  return options.port === undefined
    ? startOnFreePort((port) => startOpenWebUIOn(port, options))
    : startOpenWebUIOn(options.port, options);
}

async function startOpenWebUIOn(port: number, options: OpenWebUIOptions): Promise<OpenWebUIInstance> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "open-webui-"));
  const admin = { email: "admin@example.com", password: "admin-password-0123", name: "Admin" };
  const output: string[] = [];
  const child: ChildProcess = spawn(options.command, ["serve", "--host", "127.0.0.1", "--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? homedir(),
      DATA_DIR: dataDir,
      WEBUI_SECRET_KEY: "openwebui-github-tests",
      OFFLINE_MODE: "true",
      HF_HUB_OFFLINE: "1",
      TRANSFORMERS_OFFLINE: "1",
      RAG_EMBEDDING_ENGINE: "openai",
      ENABLE_OLLAMA_API: "false",
      ENABLE_OPENAI_API: "true",
      OPENAI_API_BASE_URL: options.modelUrl,
      OPENAI_API_KEY: options.modelApiKey,
      ENABLE_API_KEYS: "true",
      WEBUI_ADMIN_EMAIL: admin.email,
      WEBUI_ADMIN_PASSWORD: admin.password,
      WEBUI_ADMIN_NAME: admin.name,
      ENABLE_VERSION_UPDATE_CHECK: "false",
      ANONYMIZED_TELEMETRY: "false",
      DO_NOT_TRACK: "true",
      SCARF_NO_ANALYTICS: "true",
      CHAT_RESPONSE_MAX_TOOL_CALL_ITERATIONS: "8",
      // Title, tag and follow-up generation would each be another model call after every answer.
      ENABLE_TITLE_GENERATION: "false",
      ENABLE_TAGS_GENERATION: "false",
      ENABLE_FOLLOW_UP_GENERATION: "false",
      ENABLE_AUTOCOMPLETE_GENERATION: "false",
      ...options.env,
    },
  });
  const collect = (data: Buffer) => {
    for (const line of data.toString().split("\n")) if (line.trim()) output.push(line);
    if (output.length > 2000) output.splice(0, output.length - 2000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 300_000);
  let ready = false;
  let early: number | null | undefined;
  void exited.then((code) => (early = code));
  const forget = () => {
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  while (!ready) {
    if (early !== undefined) {
      forget();
      // Uvicorn's last lines say "address already in use" when another program took the port.
      throw new Error(`Open WebUI exited with ${early} during startup:\n${output.slice(-40).join("\n")}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      forget();
      throw new Error(
        `Open WebUI was not ready within ${options.readyTimeoutMs ?? 300_000} ms:\n${output.slice(-40).join("\n")}`,
      );
    }
    try {
      ready = (await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) })).ok;
    } catch {
      // Not listening yet.
    }
    if (!ready) await new Promise((r) => setTimeout(r, 500));
  }

  return {
    url,
    admin,
    dataDir,
    output,
    async close() {
      if (early === undefined) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(killer);
      }
      forget();
    },
  };
}

/** Small helpers over Open WebUI's own API, as an admin or a user would use it. */
export function openWebUIApi(url: string) {
  async function request<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
    const response = await fetch(url + path, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : null) as T;
  }
  return {
    request,
    async signIn(email: string, password: string): Promise<string> {
      return (await request<{ token: string }>("POST", "/api/v1/auths/signin", null, { email, password })).token;
    },
    async createApiKey(token: string): Promise<string> {
      return (await request<{ api_key: string }>("POST", "/api/v1/auths/api_key", token)).api_key;
    },
    async addUser(adminToken: string, user: { name: string; email: string; password: string; role: "user" | "admin" }) {
      return request<{ id: string }>("POST", "/api/v1/auths/add", adminToken, user);
    },
  };
}
