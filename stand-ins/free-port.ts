import { createServer } from "node:net";

/**
 * A port nothing listens on at the moment of the call. Another program may take it before it is
 * used: servers of our own listen on port 0 instead, and outside programs start through startOnFreePort.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Whether a failed start says its port was taken: Node's EADDRINUSE, or a program's own words for it. */
function portTaken(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === "EADDRINUSE" || /EADDRINUSE|address already in use/i.test(String(message ?? error));
}

/**
 * Starts something that must be told its port up front (redis-server, caddy, Open WebUI's uvicorn):
 * on a free port, and again on another one should a program take that port in between. `start`
 * must clean up after itself when it fails.
 */
export async function startOnFreePort<T>(start: (port: number) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (error) {
      if (attempt >= attempts || !portTaken(error)) throw error;
    }
  }
}
