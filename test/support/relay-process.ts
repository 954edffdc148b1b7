import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "..", "..");
// By its file, so a service started in another working directory (one with its own config file) finds it.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export interface RelayProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** The relay as a real process (`bin/relay.ts`), as it runs in production. */
export function spawnRelay(env: Record<string, string>): Promise<RelayProcess> {
  return spawnService("relay", env);
}

/** A service's entry point (`bin/relay.ts` or `bin/tool-server.ts`) as a real process, once it listens. */
export async function spawnService(
  service: "relay" | "tool-server",
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Promise<RelayProcess> {
  const listening = new RegExp(`"msg":"${service === "relay" ? "relay" : "tool server"} listening","url":"([^"]+)"`);
  // node itself with tsx's loader, not the tsx wrapper: the wrapper runs the program in a child
  // process, and a SIGKILL to the wrapper would leave the relay running.
  const child = spawn(process.execPath, ["--import", tsxLoader, join(root, "bin", `${service}.ts`)], {
    cwd: options.cwd ?? root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d));
  child.stderr!.on("data", (d: Buffer) => (output += d));
  const exited = new Promise<number | null>((done) =>
    child.on("exit", (code, signal) => done(code ?? (signal ? 128 : null))),
  );
  const url = await new Promise<string>((done, fail) => {
    const timer = setInterval(() => {
      const match = listening.exec(output);
      if (match) {
        clearInterval(timer);
        done(match[1]!);
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(timer);
      fail(new Error(`${service} exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    exited,
    kill(signal) {
      child.kill(signal);
      return exited;
    },
  };
}
