import { deploymentSecrets } from "../deployment/deployment-secrets.ts";
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { problemsOf, fullEnv } from "./support/config-problems.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { openRedisRelayStores } from "../store/redis/open-redis-stores.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { redisServerAvailable, startRedisServer } from "../stand-ins/redis-server.ts";

const root = resolve(import.meta.dirname, "..");
const withRedis = redisServerAvailable();

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "bin", "start.ts")], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d));
  child.stderr.on("data", (d: Buffer) => (output += d));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return { child, exited, output: () => output };
}

describe("choosing the store", () => {
  it("keeps the embedded SQLite store without REDIS_URL, and reads Redis's settings with their defaults", () => {
    expect(loadRelayConfig(fullEnv).redis).toBeNull();
    expect(loadToolServerConfig(fullEnv).redis).toBeNull();
    const relay = loadRelayConfig({ ...fullEnv, REDIS_URL: "redis://:pa55word-redis@redis:6379/2" });
    expect(relay.redis).toEqual({
      url: "redis://:pa55word-redis@redis:6379/2",
      prefix: "owg",
      connectTimeoutMs: 30_000,
      commandTimeoutMs: 5_000,
    });
    // The password is a secret like the others: redacted from logs, never posted.
    expect(deploymentSecrets({ ...fullEnv, REDIS_URL: "redis://:pa55word-redis@redis:6379/2" })).toContain(
      "pa55word-redis",
    );
    expect(
      loadToolServerConfig({ ...fullEnv, REDIS_URL: "rediss://cache.example:6380", REDIS_PREFIX: "team-a" }).redis,
    ).toMatchObject({ url: "rediss://cache.example:6380", prefix: "team-a" });
  });

  it("names a malformed REDIS_URL or REDIS_PREFIX without echoing the URL's password", () => {
    for (const [url, message] of [
      ["http://:hunter2-pass@redis:6379", /^REDIS_URL must start with redis:\/\/ or rediss:\/\//],
      ["redis://:hunter2-pass@redis:6379/cache", /^REDIS_URL's path must be a database number/],
      ["hunter2-pass@redis", /^REDIS_URL is not a URL/],
    ] as const) {
      const problems = problemsOf(() => loadRelayConfig({ ...fullEnv, REDIS_URL: url }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(message);
      expect(problems[0]).not.toContain("hunter2");
    }
    expect(
      problemsOf(() =>
        loadToolServerConfig({
          ...fullEnv,
          REDIS_URL: "redis://redis",
          REDIS_PREFIX: "has space",
          REDIS_COMMAND_TIMEOUT_MS: "soon",
        }),
      ).map((p) => p.split(" ")[0]),
    ).toEqual(["REDIS_PREFIX", "REDIS_COMMAND_TIMEOUT_MS"]);
  });

  it("stops npm start with status 69 and a clear message when Redis cannot be reached", async () => {
    const run = start({
      ...fullEnv,
      PORT: "0",
      TOOL_SERVER_PORT: "0",
      REDIS_URL: "redis://:hunter2-pass@127.0.0.1:9",
      REDIS_CONNECT_TIMEOUT_MS: "500",
    });
    expect(await run.exited).toBe(69);
    expect(run.output()).toMatch(
      /cannot start: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:9 within 1 s: .*ECONNREFUSED/,
    );
    expect(run.output()).not.toContain("hunter2");
  });

  it.skipIf(!withRedis)("lists and replays dead deliveries in Redis with npm run deliveries", async () => {
    const redis = await startRedisServer();
    try {
      const env = { PATH: process.env.PATH ?? "", REDIS_URL: redis.url, REDIS_PREFIX: "cli" };
      const store = await openRedisRelayStores({
        url: redis.url,
        prefix: "cli",
        connectTimeoutMs: 2_000,
        commandTimeoutMs: 2_000,
      });
      await store.deliveries.add({
        key: "h:dead-1",
        deliveryId: "dead-1",
        event: "issues",
        action: "opened",
        status: "pending",
        repository: "octo/app",
        issueNumber: 1,
      });
      const claim = (await store.queue.claim(60_000))!;
      await store.queue.finish(claim.lease, {
        status: "dead",
        reason: "gave up after 5 attempts: Open WebUI could not be reached",
      });
      const cli = (args: string[]) =>
        new Promise<{ code: number | null; stdout: string }>((done) => {
          const child = spawn(process.execPath, ["--import", "tsx", join(root, "bin", "deliveries.ts"), ...args], {
            cwd: root,
            env,
          });
          let stdout = "";
          child.stdout.on("data", (d: Buffer) => (stdout += d));
          child.on("exit", (code) => done({ code, stdout }));
        });
      const listed = await cli(["list", "--status", "dead"]);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^dead-1 +dead +issues\.opened +octo\/app#1 +attempts 1 +gave up after 5 attempts/);
      expect(await cli(["replay", "dead-1"])).toMatchObject({
        code: 0,
        stdout: expect.stringContaining("queued again"),
      });
      expect(await store.deliveries.findByDeliveryId("dead-1")).toMatchObject({ status: "pending", attempts: 0 });
      await store.close();
    } finally {
      await redis.close();
    }
  });

  it.skipIf(!withRedis)(
    "runs npm start on Redis: both services share it, and Redis without persistence is warned about",
    async () => {
      const redis = await startRedisServer();
      const prefix = "npm-start";
      const run = start({ ...fullEnv, PORT: "0", TOOL_SERVER_PORT: "0", REDIS_URL: redis.url, REDIS_PREFIX: prefix });
      try {
        const relayUrl = await new Promise<string>((done, fail) => {
          const timer = setInterval(() => {
            const match = /"msg":"relay listening","url":"([^"]+)"/.exec(run.output());
            if (match && run.output().includes('"msg":"tool server listening"')) {
              clearInterval(timer);
              done(match[1]!);
            }
          }, 50);
          void run.exited.then((code) => fail(new Error(`exited ${code}: ${run.output()}`)));
        });
        expect(run.output()).toContain("Redis does not write every change to disk before answering");
        const health = (await (await fetch(`${relayUrl}/health`)).json()) as { deliveries: Record<string, number> };
        expect(health.deliveries).toEqual({ pending: 0, running: 0, done: 0, failed: 0, ignored: 0, dead: 0 });
        // What another replica writes under the same prefix, this one counts.
        const other = await openRedisRelayStores({
          url: redis.url,
          prefix,
          connectTimeoutMs: 2_000,
          commandTimeoutMs: 2_000,
        });
        await other.deliveries.add({ key: "h:1", deliveryId: "1", event: "push", action: null, status: "ignored" });
        await other.close();
        expect(
          ((await (await fetch(`${relayUrl}/health`)).json()) as { deliveries: Record<string, number> }).deliveries
            .ignored,
        ).toBe(1);
      } finally {
        run.child.kill("SIGTERM");
        expect(await run.exited).toBe(0);
        await redis.close();
      }
    },
  );
});
