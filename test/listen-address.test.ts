import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { createDeployment } from "../deployment/create-deployment.ts";
import { silentLogger } from "../lib/logger.ts";
import { spawnRelay, type RelayProcess } from "./support/relay-process.ts";
import { relayProcessEnv, startSystem, type System } from "./support/system.ts";

/** Whether something accepts a TCP connection at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

describe("the address the relay listens on", () => {
  let system: System;
  let relay: RelayProcess | undefined;
  afterEach(async () => {
    await relay?.kill("SIGTERM");
    relay = undefined;
    await system.close();
  });

  it("is loopback when HOST is unset, so npm start is not reachable from the network by accident", async () => {
    system = await startSystem({ startRelay: false });
    relay = await spawnRelay(relayProcessEnv(system));
    const port = Number(new URL(relay.url).port);
    expect(relay.output()).toMatch(/"msg":"relay listening","url":"[^"]+","host":"127\.0\.0\.1"/);
    expect(await accepts("127.0.0.1", port)).toBe(true);
    // Another address of this machine (all of 127/8 is this machine on Linux) finds nothing there.
    expect(await accepts("127.0.0.2", port)).toBe(false);
  });

  it("is the one HOST names", async () => {
    system = await startSystem({ startRelay: false });
    relay = await spawnRelay(relayProcessEnv(system, { HOST: "127.0.0.2" }));
    const port = Number(new URL(relay.url).port);
    expect(relay.url).toBe(`http://127.0.0.2:${port}`);
    expect(await accepts("127.0.0.2", port)).toBe(true);
    expect(await accepts("127.0.0.1", port)).toBe(false);
  });

  it("is the same for the tool server: loopback unless HOST names another", async () => {
    system = await startSystem({ startRelay: false });
    for (const [host, elsewhere] of [
      [undefined, "127.0.0.2"],
      ["127.0.0.2", "127.0.0.1"],
    ] as const) {
      const env = { ...relayProcessEnv(system), TOOL_SERVER_PORT: "0", ...(host ? { HOST: host } : {}) };
      const toolServer = await createDeployment(
        { env, relay: null, toolServer: loadToolServerConfig(env) },
        { logger: silentLogger },
      ).startToolServer(system.stores);
      const port = Number(new URL(toolServer.url).port);
      try {
        expect(await accepts(host ?? "127.0.0.1", port)).toBe(true);
        expect(await accepts(elsewhere, port)).toBe(false);
      } finally {
        await toolServer.close();
      }
    }
  });
});
