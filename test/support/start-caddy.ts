import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { startOnFreePort } from "../../stand-ins/free-port.ts";
import { waitFor } from "../../stand-ins/payloads.ts";

const root = resolve(import.meta.dirname, "..", "..");

/** Debian's caddy (.ci/run installs it), or undefined when it is not on PATH. */
export const caddyBinary = (process.env.PATH ?? "")
  .split(delimiter)
  .map((dir) => join(dir, "caddy"))
  .find((p) => existsSync(p));

export interface RunningCaddy {
  siteUrl: string;
  output(): string;
  close(): Promise<void>;
}

/**
 * Caddy running the repository's Caddyfile on a free loopback port, with the relay and Open WebUI
 * upstreams pointed at servers on loopback, and its state in a temporary home removed on close.
 */
export async function startCaddy(upstreams: { relay: string; openWebUI: string }): Promise<RunningCaddy> {
  if (!caddyBinary) throw new Error("caddy is not on PATH; .ci/run installs it with apt-get install -y caddy");
  const home = mkdtempSync(join(tmpdir(), "caddy-"));
  let output = "";
  const start = async (port: number) => {
    const siteUrl = `http://127.0.0.1:${port}`;
    output = "";
    const child = spawn(caddyBinary!, ["run", "--config", join(root, "Caddyfile"), "--adapter", "caddyfile"], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: home,
        XDG_CONFIG_HOME: join(home, "config"),
        XDG_DATA_HOME: join(home, "data"),
        // http:// keeps Caddy from asking for a certificate; the admin endpoint is not needed here.
        SITE_ADDRESS: siteUrl,
        CADDY_ADMIN: "off",
        RELAY_UPSTREAM: new URL(upstreams.relay).host,
        OPENWEBUI_UPSTREAM: new URL(upstreams.openWebUI).host,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d: Buffer) => (output += d));
    child.stderr!.on("data", (d: Buffer) => (output += d));
    const exited = new Promise<never>((_done, fail) =>
      child.once("exit", (code) => fail(new Error(`caddy exited with ${code}:\n${output}`))),
    );
    try {
      // Logged once its listeners are up, so a program that took the port first is never mistaken for Caddy.
      await Promise.race([
        exited,
        waitFor(() => output.includes('"msg":"serving initial configuration"'), "caddy to listen", 15_000),
      ]);
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
    return { child, siteUrl };
  };
  let started: { child: ChildProcess; siteUrl: string };
  try {
    started = await startOnFreePort(start);
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  const { child, siteUrl } = started;
  return {
    siteUrl,
    output: () => output,
    async close() {
      if (child.exitCode === null) {
        const gone = new Promise((done) => child.once("exit", done));
        child.kill("SIGTERM");
        await gone;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
