import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOnFreePort } from "./free-port.ts";

export interface RedisServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Whether the Redis tests can run here. Without redis-server they are skipped
 * with a message, except in CI (OPENWEBUI_GITHUB_CI=1), where that is a failure.
 */
export function redisServerAvailable(): boolean {
  const found = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
  if (found) return true;
  if (process.env.OPENWEBUI_GITHUB_CI === "1")
    throw new Error("redis-server is not on PATH, and CI needs it (apt-get install redis-server; .ci/run does)");
  process.stderr.write(
    "redis-server is not on PATH: skipping the Redis backend's tests (apt-get install redis-server to run them)\n",
  );
  return false;
}

/** A throwaway redis-server on loopback, persistence off unless `args` turn it on, in its own folder. */
export function startRedisServer(args: string[] = []): Promise<RedisServer> {
  return startOnFreePort((port) => startRedisServerOn(port, args));
}

async function startRedisServerOn(port: number, args: string[]): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "redis-"));
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d));
  child.stderr!.on("data", (d: Buffer) => (output += d));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  await new Promise<void>((done, fail) => {
    const timer = setInterval(() => {
      if (output.includes("Ready to accept connections")) {
        clearInterval(timer);
        done();
      }
    }, 20);
    void exited.then(() => {
      clearInterval(timer);
      rmSync(dir, { recursive: true, force: true });
      // Its output says "Address already in use" when another program took the port.
      fail(new Error(`redis-server exited before it was ready:\n${output}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async close() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
