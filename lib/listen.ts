import type { RequestListener, Server } from "node:http";
import { createServer } from "node:http";

export interface Listening {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Starts an HTTP server with explicit timeouts; port 0 picks a free port. */
export function listen(handler: RequestListener, port: number, host: string): Promise<Listening> {
  // A slow or stalled client is cut off: headers within 10 s, the whole request (up to 25 MB) within 30 s.
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000, maxHeaderSize: 16_384, connectionsCheckingInterval: 1_000 }, handler);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      const actualPort = typeof address === "object" && address ? address.port : port;
      const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
      resolve({
        server,
        url: `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${actualPort}`,
        // Requests in progress (a webhook being stored) may finish; idle keep-alive connections go now, stragglers after 2 s.
        close: () =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), 2_000);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
