import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");

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
): Promise<RelayProcess> {
  const listening = new RegExp(`"msg":"${service === "relay" ? "relay" : "tool server"} listening","url":"([^"]+)"`);
  // node itself with tsx's loader, not the tsx wrapper: the wrapper runs the program in a child
  // process, and a SIGKILL to the wrapper would leave the relay running.
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "bin", `${service}.ts`)], {
    cwd: root,
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
