import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Env } from "../config/config-error.ts";
import { configFileLocation } from "../config/config-file-location.ts";
import { loadRegisterConfig } from "../config/load-register-config.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { deploymentSecrets } from "../deployment/deployment-secrets.ts";
import { parseCompose, serviceEnvironment } from "./support/compose-environment.ts";

const root = resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");
const composeText = read("docker-compose.yml");
const services = parseCompose(composeText).services;

// An operator's .env with every variable set, each to a value found nowhere else, so a value seen in a
// container says which .env variable it came from. Plus one the project never heard of.
const names = new Set([
  ...[...read(".env.example").matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]!),
  ...[...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!),
  "SOME_OTHER_PROGRAMS_SECRET",
]);
const dotEnv: Record<string, string> = Object.fromEntries(
  [...names].map((name) => [name, `sample-${name.toLowerCase()}-7f3a9c1e5b2d`]),
);
// Shaped so the secret inside it (the password) is recognised.
dotEnv.REDIS_URL = "redis://:sample-redis-password-7f3a9c1e@redis:6379/0";

const containerEnv = (name: string) => {
  expect(services[name], `docker-compose.yml has a ${name} service`).toBeDefined();
  const files = {
    ".env": Object.entries(dotEnv)
      .map(([key, value]) => `${key}=${value}\n`)
      .join(""),
  };
  return serviceEnvironment(services[name]!, { root, dotEnv, files });
};

/** The variables `loaders` look up when every variable is set (recorded as they read it). */
function variablesRead(loaders: Array<(env: Env) => unknown>): string[] {
  const seen = new Set<string>();
  const recording = new Proxy(dotEnv, {
    get(target, key) {
      if (typeof key === "string") seen.add(key);
      return target[key as string];
    },
  });
  for (const load of loaders) {
    try {
      load(recording);
    } catch {
      // A loader that refuses these sample values has still read what it reads.
    }
  }
  return [...seen];
}

// The .env variables holding a credential: those deploymentSecrets() (the list the services never
// post or log) finds a secret in, the admin key used once to register, and a stranger's secret.
const secretVariables = [
  ...[...names].filter((name) => deploymentSecrets(dotEnv).some((secret) => dotEnv[name]!.includes(secret))),
  "OPENWEBUI_ADMIN_API_KEY",
  "SOME_OTHER_PROGRAMS_SECRET",
];

// Both services read the config file's location (CONFIG_FILE) beside their own variables.
const readConfigFileLocation = (env: Env) => configFileLocation(env, root);
const ours = {
  relay: { reads: [...variablesRead([loadRelayConfig, readConfigFileLocation]), "HEALTHCHECK_SERVICE"] },
  "tool-server": { reads: [...variablesRead([loadToolServerConfig, readConfigFileLocation]), "HEALTHCHECK_SERVICE"] },
  register: { reads: variablesRead([loadRegisterConfig]) },
};

// The variables the image sets itself (the final stage's ENV lines, `ENV A=1 B=2` or `ENV A 1`).
const finalStage = read("Dockerfile")
  .replace(/\\\r?\n/g, " ")
  .split(/^FROM\s/m)
  .at(-1)!;
const imageEnv = [...finalStage.matchAll(/^ENV\s+(.+)$/gm)].flatMap(([, args]) =>
  args!.includes("=") ? [...args!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]!) : [args!.split(/\s+/)[0]!],
);

/** Whose .env secrets each service may hold. `register` takes the admin's key as its OPENWEBUI_API_KEY. */
const mayHold: Record<string, string[]> = {
  relay: secretVariables.filter((name) => ours.relay.reads.includes(name)),
  "tool-server": secretVariables.filter((name) => ours["tool-server"].reads.includes(name)),
  register: [
    ...secretVariables.filter((name) => ours.register.reads.includes(name) && name !== "OPENWEBUI_API_KEY"),
    "OPENWEBUI_ADMIN_API_KEY",
  ],
  // Open WebUI signs each tool call's user with the secret the tool server verifies it with.
  "open-webui": ["WEBUI_SECRET_KEY", "WEBUI_ADMIN_PASSWORD", "OPENWEBUI_USER_JWT_SECRET"],
  caddy: [],
};

describe("docker-compose.yml's secrets", () => {
  it("knows the deployment's secrets (so the checks below check something)", () => {
    for (const name of [
      "GITHUB_WEBHOOK_SECRET",
      "GITHUB_TOKEN",
      "GITHUB_APP_PRIVATE_KEY",
      "OPENWEBUI_API_KEY",
      "TOOL_SERVER_API_KEY",
      "RELAY_ADMIN_TOKEN",
      "METRICS_TOKEN",
      "REDIS_URL",
      "WEBUI_SECRET_KEY",
      "WEBUI_ADMIN_PASSWORD",
    ])
      expect(secretVariables, name).toContain(name);
    expect(Object.keys(services).sort()).toEqual(Object.keys(mayHold).sort());
    expect(imageEnv).toContain("NODE_ENV");
  });

  it("gives the relay, the tool server and the registration exactly the variables their config loaders read", () => {
    for (const [name, { reads }] of Object.entries(ours)) {
      const given = Object.keys(containerEnv(name));
      // Nothing they do not read; and all they read, from compose or else from the image's own ENV.
      expect(given.filter((variable) => !reads.includes(variable)).sort(), `${name} is given`).toEqual([]);
      const missing = reads.filter((variable) => !given.includes(variable) && !imageEnv.includes(variable));
      expect(missing.sort(), `${name} is not given`).toEqual([]);
    }
  });

  it("gives no service a secret of another: each holds only the .env secrets it uses", () => {
    for (const name of Object.keys(mayHold)) {
      const values = Object.values(containerEnv(name));
      const held = secretVariables.filter((secret) => values.some((value) => value.includes(dotEnv[secret]!)));
      expect(held.sort(), name).toEqual([...mayHold[name]!].sort());
    }
  });

  it("keeps the relay's keys from the tool server, and Open WebUI's secrets and the admin's key from the relay", () => {
    const toolServer = containerEnv("tool-server");
    for (const variable of ["GITHUB_WEBHOOK_SECRET", "RELAY_ADMIN_TOKEN", "OPENWEBUI_API_KEY"])
      expect(toolServer, variable).not.toHaveProperty(variable);
    const relay = containerEnv("relay");
    for (const variable of ["WEBUI_SECRET_KEY", "WEBUI_ADMIN_PASSWORD", "TOOL_SERVER_API_KEY"])
      expect(relay, variable).not.toHaveProperty(variable);
    // The relay's key and the registration's admin key are two .env variables.
    expect(relay.OPENWEBUI_API_KEY).toBe(dotEnv.OPENWEBUI_API_KEY);
    expect(containerEnv("register").OPENWEBUI_API_KEY).toBe(dotEnv.OPENWEBUI_ADMIN_API_KEY);
  });
});
