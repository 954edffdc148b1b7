import type { RequestListener, Server } from "node:http";
import { createServer } from "node:http";
import type { HttpTimeouts } from "../config/http-timeouts.ts";

export interface Listening {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Starts an HTTP server with explicit timeouts (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS); port 0 picks a free port. */
export function listen(
  handler: RequestListener,
  port: number,
  host: string,
  timeouts: HttpTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 },
): Promise<Listening> {
  // A slow or stalled client is cut off. Node looks for late ones only every connectionsCheckingInterval,
  // so that is kept a fraction of the headers timeout for the cut to come on time.
  const checkEveryMs = Math.min(1_000, Math.max(10, Math.floor(timeouts.headersTimeoutMs / 10)));
  const server = createServer(
    {
      requestTimeout: timeouts.requestTimeoutMs,
      headersTimeout: timeouts.headersTimeoutMs,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16_384,
      connectionsCheckingInterval: checkEveryMs,
    },
    handler,
  );
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
