import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startOnFreePort } from "../stand-ins/free-port.ts";

const listenOn = (server: Server, port: number) =>
  new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => done());
  });

describe("starting an outside program on a free port (test support)", () => {
  const servers: Server[] = [];
  const track = (server: Server) => (servers.push(server), server);
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((done) => server.close(done));
  });

  it("starts again on another port when another program took the one it picked", async () => {
    const tried: number[] = [];
    const started = await startOnFreePort(async (port) => {
      tried.push(port);
      // Another program takes the port between the pick and the start, once.
      if (tried.length === 1) await listenOn(track(createServer()), port);
      const own = track(createServer());
      await listenOn(own, port);
      return own;
    });
    expect(tried).toHaveLength(2);
    expect(tried[1]).not.toBe(tried[0]);
    expect((started.address() as { port: number }).port).toBe(tried[1]);
  });

  it("gives up at once on any other failure, and after a few taken ports", async () => {
    let calls = 0;
    await expect(startOnFreePort(async () => (calls++, Promise.reject(new Error("bad config"))))).rejects.toThrow(
      "bad config",
    );
    expect(calls).toBe(1);
    await expect(
      startOnFreePort(async () => (calls++, Promise.reject(new Error("bind: Address already in use"))), 3),
    ).rejects.toThrow(/Address already in use/);
    expect(calls).toBe(4);
  });
});
