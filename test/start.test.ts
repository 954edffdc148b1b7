import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { problemsOf } from "./support/config-problems.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";

const root = resolve(import.meta.dirname, "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

const fullEnv = {
  GITHUB_WEBHOOK_SECRET: "s3cret-webhook-0123456789",
  GITHUB_TOKEN: "ghp_example_token_value",
  GITHUB_REPOS: "octo/app,acme/*",
  OPENWEBUI_URL: "http://127.0.0.1:9/",
  OPENWEBUI_API_KEY: "sk-example",
  TOOL_SERVER_API_KEY: "tool-server-key-0123456789",
};

describe("configuration", () => {
  it("reads a complete environment with the documented defaults", () => {
    const relay = loadRelayConfig(fullEnv);
    expect(relay).toMatchObject({
      port: 8086,
      concurrency: 2,
      leaseMs: 20_000,
      commentFallback: true,
      dataDir: "./data",
      debug: false,
    });
    expect(relay.http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
    expect(relay.openWebUI).toEqual({
      url: "http://127.0.0.1:9",
      publicUrl: "http://127.0.0.1:9",
      apiKey: "sk-example",
      model: "gpt-5",
      toolServerId: "github",
      toolConnection: "openapi",
      timeoutMs: 600_000,
      requestTimeoutMs: 30_000,
    });
    expect(relay.github.apiUrl).toBe("https://api.github.com");
    expect(Object.isFrozen(relay)).toBe(true);
    expect(loadToolServerConfig(fullEnv)).toMatchObject({ port: 8087, corsOrigins: [] });
  });

  it("links to Open WebUI at OPENWEBUI_PUBLIC_URL when the relay reaches it at another address", () => {
    const relay = loadRelayConfig({
      ...fullEnv,
      OPENWEBUI_URL: "http://open-webui:8080",
      OPENWEBUI_PUBLIC_URL: "https://chat.example.com/",
    });
    expect(relay.openWebUI).toMatchObject({ url: "http://open-webui:8080", publicUrl: "https://chat.example.com" });
    expect(problemsOf(() => loadRelayConfig({ ...fullEnv, OPENWEBUI_PUBLIC_URL: "chat.example.com" }))).toEqual([
      expect.stringMatching(
        /^OPENWEBUI_PUBLIC_URL is not a URL \("chat.example.com"\): set it to Open WebUI's address as people open it in a browser/,
      ),
    ]);
  });

  it("names every malformed variable instead of guessing a default", () => {
    const problems = problemsOf(() =>
      loadRelayConfig({
        ...fullEnv,
        PORT: "80a",
        RELAY_CONCURRENCY: "0",
        OPENWEBUI_URL: "open-webui:8080",
        COMMENT_FALLBACK: "maybe",
        GITHUB_REPOS: "octo",
      }),
    );
    expect(problems.map((p) => p.split(" ")[0])).toEqual([
      "PORT",
      "GITHUB_REPOS",
      "OPENWEBUI_URL",
      "RELAY_CONCURRENCY",
      "COMMENT_FALLBACK",
    ]);
    // A lease shorter than a second would lapse between its renewals' round trips.
    expect(problemsOf(() => loadRelayConfig({ ...fullEnv, RELAY_LEASE_MS: "500" }))).toEqual([
      expect.stringMatching(/^RELAY_LEASE_MS /),
    ]);
    expect(loadRelayConfig({ ...fullEnv, RELAY_LEASE_MS: "1500" }).leaseMs).toBe(1_500);
    expect(
      problemsOf(() =>
        loadToolServerConfig({
          ...fullEnv,
          TOOL_SERVER_API_KEY: "short",
          TOOL_SERVER_CORS_ORIGINS: "https://ok.example,not an origin",
        }),
      ),
    ).toHaveLength(2);
  });

  it("refuses a headers timeout longer than the whole request's, which the server could never apply", () => {
    expect(
      loadRelayConfig({ ...fullEnv, HTTP_HEADERS_TIMEOUT_MS: "2000", HTTP_REQUEST_TIMEOUT_MS: "5000" }).http,
    ).toEqual({ headersTimeoutMs: 2_000, requestTimeoutMs: 5_000 });
    expect(
      problemsOf(() =>
        loadRelayConfig({ ...fullEnv, HTTP_HEADERS_TIMEOUT_MS: "20000", HTTP_REQUEST_TIMEOUT_MS: "5000" }),
      ),
    ).toEqual([
      expect.stringMatching(/^HTTP_HEADERS_TIMEOUT_MS \(20000\) must fit in HTTP_REQUEST_TIMEOUT_MS \(5000\)/),
    ]);
  });
});

describe("npm start", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function start(env: Record<string, string>, cwd: string) {
    const child = spawn(tsx, [join(root, "bin", "start.ts")], {
      cwd,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    return { child, exited, output: () => ({ stdout, stderr }) };
  }

  it("exits non-zero without configuration and names each missing variable with its fix", async () => {
    dir = mkdtempSync(join(tmpdir(), "start-"));
    const run = start({}, dir);
    expect(await run.exited).not.toBe(0);
    const { stderr } = run.output();
    for (const name of [
      "GITHUB_WEBHOOK_SECRET",
      "GITHUB_TOKEN",
      "GITHUB_REPOS",
      "OPENWEBUI_URL",
      "OPENWEBUI_API_KEY",
      "TOOL_SERVER_API_KEY",
    ]) {
      expect(stderr).toContain(`${name} is missing:`);
    }
    expect(stderr).toContain(".env.example");
  });

  it("serves both services from a filled .env, and never logs its secrets", async () => {
    dir = mkdtempSync(join(tmpdir(), "start-"));
    const env = {
      ...fullEnv,
      PORT: "0",
      TOOL_SERVER_PORT: "0",
      DATA_DIR: join(dir, "data"),
      GITHUB_API_URL: "http://127.0.0.1:9",
      GITHUB_BOT_LOGIN: "bot",
    };
    writeFileSync(
      join(dir, ".env"),
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n") + "\n",
    );
    const run = start({}, dir);
    try {
      const urls = await new Promise<{ relay: string; tools: string }>((done, fail) => {
        const timer = setInterval(() => {
          const lines = run
            .output()
            .stdout.split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { msg: string; url?: string });
          const relay = lines.find((l) => l.msg === "relay listening")?.url;
          const tools = lines.find((l) => l.msg === "tool server listening")?.url;
          if (relay && tools) {
            clearInterval(timer);
            done({ relay, tools });
          }
        }, 50);
        void run.exited.then((code) => fail(new Error(`exited ${code}: ${run.output().stderr}`)));
      });
      expect((await fetch(`${urls.relay}/health`)).status).toBe(200);
      const spec = (await (await fetch(`${urls.tools}/openapi.json`)).json()) as { openapi: string };
      expect(spec.openapi).toBe("3.1.0");
      const unauthorized = await fetch(`${urls.tools}/get_issue`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(unauthorized.status).toBe(401);
    } finally {
      run.child.kill("SIGTERM");
      await run.exited;
    }
    const { stdout, stderr } = run.output();
    for (const secret of [
      fullEnv.GITHUB_WEBHOOK_SECRET,
      fullEnv.GITHUB_TOKEN,
      fullEnv.OPENWEBUI_API_KEY,
      fullEnv.TOOL_SERVER_API_KEY,
    ]) {
      expect(stdout + stderr).not.toContain(secret);
    }
  });
});

describe("npm run deliveries", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function cli(args: string[], env: Record<string, string>) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(tsx, [join(root, "bin", "deliveries.ts"), ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "", ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d));
      child.stderr.on("data", (d: Buffer) => (stderr += d));
      child.on("exit", (code) => done({ code, stdout, stderr }));
    });
  }

  it("lists dead-lettered deliveries and replays one, refusing one that is done", async () => {
    dir = mkdtempSync(join(tmpdir(), "cli-"));
    const { openSqliteRelayStores } = await import("../store/sqlite/open-sqlite-stores.ts");
    const store = await openSqliteRelayStores({ dataDir: dir });
    for (const id of ["dead-1", "done-1"]) {
      await store.deliveries.add({
        key: `h:${id}`,
        deliveryId: id,
        event: "issues",
        action: "opened",
        status: "pending",
        repository: "octo/app",
        issueNumber: 1,
      });
      const claimed = await store.queue.claim(60_000);
      await store.queue.finish(
        claimed!.lease,
        id === "dead-1"
          ? { status: "dead", reason: "gave up after 5 attempts: Open WebUI could not be reached" }
          : { status: "done" },
      );
    }
    await store.close();

    const listed = await cli(["list", "--status", "dead"], { DATA_DIR: dir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^dead-1 +dead +issues\.opened +octo\/app#1 +attempts 1 +gave up after 5 attempts/);
    expect(listed.stdout).not.toContain("done-1");
    const replayed = await cli(["replay", "dead-1"], { DATA_DIR: dir });
    expect(replayed).toMatchObject({ code: 0, stdout: expect.stringContaining("queued again") });
    const refused = await cli(["replay", "done-1"], { DATA_DIR: dir });
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining("is done; only failed or dead") });

    const reopened = await openSqliteRelayStores({ dataDir: dir });
    expect(await reopened.deliveries.findByDeliveryId("dead-1")).toMatchObject({ status: "pending", attempts: 0 });
    await reopened.close();
  });
});
