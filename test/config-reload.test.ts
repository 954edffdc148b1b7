import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configFileLocation } from "../config/config-file-location.ts";
import { createConfigHolder } from "../config/config-holder.ts";
import { loadConfigFile } from "../config/load-config-file.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { defaultPeoplePolicy } from "../config/people-schema.ts";
import { createDeployment } from "../deployment/create-deployment.ts";
import { createLogger } from "../lib/logger.ts";
import { waitFor } from "../stand-ins/payloads.ts";
import { fullEnv } from "./support/config-problems.ts";
import { spawnService, type RelayProcess } from "./support/relay-process.ts";

const root = resolve(import.meta.dirname, "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const writers =
  "people:\n  default: read\n  grants:\n    - group: maintainers\n      repos: [octo/app]\n      access: write\n";
const broken = "people:\n  default: writ\n  comments_per_hour: -1\n";
const brokenProblems = (file: string) => [
  `${file}:2:12: people.default: expected one of none, read, write, got "writ"`,
  `${file}:3:22: people.comments_per_hour: must be at least 0, got -1`,
];

/** A bin/ program run to its end in `cwd`, as `npm run` runs it. */
function run(program: string, args: string[], env: Record<string, string>, cwd: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(tsx, [join(root, "bin", program), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "config-reload-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the config holder", () => {
  it("refuses an invalid new file, keeps the one in use and logs each problem; swaps a valid one and tells its listeners", async () => {
    const file = join(dir, "people.yml");
    writeFileSync(file, writers);
    const logs: string[] = [];
    const logger = createLogger({ write: (line) => logs.push(line) });
    const holder = createConfigHolder(loadConfigFile(configFileLocation({ CONFIG_FILE: file }, dir)), logger);
    const changes: Array<[unknown, unknown]> = [];
    holder.onChange((config, previous) => changes.push([config.people?.default, previous.people?.default]));
    expect(holder.people().grants).toHaveLength(1);

    writeFileSync(file, broken);
    expect(await holder.reload()).toMatchObject({ ok: false, problems: brokenProblems(file) });
    expect(holder.people().grants).toHaveLength(1);
    expect(changes).toEqual([]);
    const refused = logs.map((l) => JSON.parse(l) as Record<string, string>).filter((l) => l.level === "warn");
    expect(refused.map((l) => [l.msg, l.problem])).toEqual(
      brokenProblems(file).map((problem) => ["config file refused, the previous one stays", problem]),
    );

    writeFileSync(file, "people:\n  default: none\n");
    expect(await holder.reload()).toEqual({
      ok: true,
      changed: true,
      summary: `${file}: people: default none, 0 grants, 20 comments per hour per person, attribution on`,
    });
    expect(holder.people()).toEqual({ ...defaultPeoplePolicy, default: "none" });
    expect(changes).toEqual([["none", "read"]]);
    // The same file again: nothing to tell.
    expect(await holder.reload()).toMatchObject({ ok: true, changed: false });
    expect(changes).toHaveLength(1);
  });

  it("gives the deployment's people policy: the file's people section, or the built-in default without one", () => {
    const env = { ...fullEnv, DATA_DIR: dir };
    const without = createDeployment({ env, relay: null, toolServer: loadToolServerConfig(env) });
    expect(without.peoplePolicy()).toEqual(defaultPeoplePolicy);
    const noFile = loadConfigFile(configFileLocation({}, dir));
    const absent = createDeployment({ env, relay: null, toolServer: loadToolServerConfig(env), configFile: noFile });
    expect(absent.peoplePolicy()).toEqual(defaultPeoplePolicy);
    expect(absent.configFile.current()).toEqual({});
    writeFileSync(join(dir, "openwebui-github.yml"), writers);
    const withFile = loadConfigFile(configFileLocation({}, dir));
    const deployment = createDeployment({
      env,
      relay: null,
      toolServer: loadToolServerConfig(env),
      configFile: withFile,
    });
    expect(deployment.peoplePolicy().grants).toEqual([{ group: "maintainers", repos: ["octo/app"], access: "write" }]);
  });
});

describe("npm run config", () => {
  it("check: a summary and status 0 for a valid file, each problem and status 78 for an invalid or missing one", async () => {
    writeFileSync(join(dir, "good.yml"), writers);
    writeFileSync(join(dir, "bad.yml"), broken);
    const good = await run("config.ts", ["check", "good.yml"], {}, dir);
    expect(good).toMatchObject({ code: 0, stderr: "" });
    expect(good.stdout).toBe(
      "valid: good.yml: people: default read, 1 grant, 20 comments per hour per person, attribution on\n",
    );
    const bad = await run("config.ts", ["check", "bad.yml"], {}, dir);
    expect(bad).toMatchObject({ code: 78, stdout: "" });
    expect(bad.stderr).toBe(`${brokenProblems("bad.yml").join("\n")}\n`);
    // Without an argument: CONFIG_FILE, else ./openwebui-github.yml when there is one.
    expect((await run("config.ts", ["check"], { CONFIG_FILE: "bad.yml" }, dir)).code).toBe(78);
    const none = await run("config.ts", ["check"], {}, dir);
    expect(none).toMatchObject({
      code: 0,
      stdout: "valid: no file at openwebui-github.yml: the built-in defaults apply\n",
    });
    const missing = await run("config.ts", ["check", "gone.yml"], {}, dir);
    expect(missing.code).toBe(78);
    expect(missing.stderr).toMatch(
      /^gone\.yml:1:1: the file to check: no such file \(.*gone\.yml\); name the config file\n$/,
    );
  });

  it("schema: prints the JSON Schema editors use", async () => {
    const printed = await run("config.ts", ["schema"], {}, dir);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      additionalProperties: false,
      properties: { people: { type: "object" } },
    });
  });
});

describe("a service and its config file", () => {
  let service: RelayProcess | undefined;
  afterEach(async () => {
    await service?.kill("SIGTERM");
    service = undefined;
  });

  it("npm start stops with status 78 and each problem's line when openwebui-github.yml is invalid", async () => {
    writeFileSync(join(dir, "openwebui-github.yml"), broken);
    const env = { ...fullEnv, PORT: "0", TOOL_SERVER_PORT: "0", DATA_DIR: dir, GITHUB_BOT_LOGIN: "bot" };
    const started = await run("start.ts", [], env, dir);
    expect(started.code).toBe(78);
    for (const problem of brokenProblems("openwebui-github.yml")) expect(started.stderr).toContain(`  - ${problem}\n`);
    expect(started.stdout).not.toContain("listening");
  });

  it("the relay stops with status 78 when CONFIG_FILE names a file that is not there", async () => {
    const env = { ...fullEnv, PORT: "0", DATA_DIR: dir, GITHUB_BOT_LOGIN: "bot", CONFIG_FILE: "nowhere.yml" };
    const started = await run("relay.ts", [], env, dir);
    expect(started.code).toBe(78);
    expect(started.stderr).toContain("  - nowhere.yml:1:1: CONFIG_FILE: no such file");
  });

  it("on SIGHUP refuses an invalid file and keeps serving with the old one, then takes a valid one", async () => {
    const file = join(dir, "people.yml");
    writeFileSync(file, writers);
    service = await spawnService("tool-server", {
      ...fullEnv,
      TOOL_SERVER_PORT: "0",
      DATA_DIR: dir,
      CONFIG_FILE: file,
    });
    const logLines = () =>
      service!
        .output()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);

    writeFileSync(file, broken);
    service.child.kill("SIGHUP");
    const refused = await waitFor(() => {
      const lines = logLines().filter((l) => l.msg === "config file refused, the previous one stays");
      return lines.length === 2 ? lines : undefined;
    }, "the refused file's problems in the log");
    expect(refused.map((l) => l.problem)).toEqual(brokenProblems(file));
    expect((await fetch(`${service.url}/health`)).status).toBe(200);

    writeFileSync(file, "people:\n  default: none\n");
    service.child.kill("SIGHUP");
    const reloaded = await waitFor(
      () => logLines().find((l) => l.msg === "config file reloaded"),
      "the reload in the log",
    );
    expect(reloaded).toMatchObject({
      changed: true,
      summary: `${file}: people: default none, 0 grants, 20 comments per hour per person, attribution on`,
    });
  });

  it("without a file behaves as before, and SIGHUP picks up an openwebui-github.yml created later", async () => {
    service = await spawnService("tool-server", { ...fullEnv, TOOL_SERVER_PORT: "0", DATA_DIR: dir }, { cwd: dir });
    expect(service.output()).not.toContain("config file");
    const reloads = () =>
      service!
        .output()
        .split("\n")
        .filter((l) => l.includes('"msg":"config file reloaded"'));

    service.child.kill("SIGHUP");
    await waitFor(() => reloads().length === 1, "the first reload");
    expect(reloads()[0]).toContain(
      '"changed":false,"summary":"no file at openwebui-github.yml: the built-in defaults apply"',
    );

    writeFileSync(join(dir, "openwebui-github.yml"), writers);
    service.child.kill("SIGHUP");
    await waitFor(() => reloads().length === 2, "the second reload");
    expect(reloads()[1]).toContain('"changed":true,"summary":"openwebui-github.yml: people: default read, 1 grant');
  });
});
