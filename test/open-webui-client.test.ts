import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { classifyError } from "../relay/classify-error.ts";
import { createOpenWebUIClient } from "../open-webui/chat-client.ts";

describe("Open WebUI's failures as the relay sees them", () => {
  it("treats 5xx and 429 as worth retrying (with retry-after), and 4xx as final", async () => {
    let status = 503;
    const server = createServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/json", "retry-after": "12" });
      res.end(JSON.stringify({ detail: "upstream model unavailable" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const client = createOpenWebUIClient({
      baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      apiKey: "sk-x",
      completionTimeoutMs: 1000,
      requestTimeoutMs: 1000,
    });
    const verdict = () =>
      client.getChat("c").then(
        () => expect.fail("the call succeeded"),
        (error: unknown) => classifyError(error),
      );
    try {
      expect(await verdict()).toMatchObject({
        transient: true,
        retryAfterMs: 12_000,
        reason: expect.stringMatching(/answered 503 .*upstream model unavailable/),
      });
      status = 429;
      expect(await verdict()).toMatchObject({ transient: true });
      status = 400;
      expect(await verdict()).toMatchObject({ transient: false });
      status = 401;
      expect(await verdict()).toMatchObject({
        transient: false,
        reason: expect.stringMatching(/check OPENWEBUI_API_KEY/),
      });
    } finally {
      server.close();
    }
  });

  it("treats an Open WebUI that cannot be reached, or does not answer in time, as worth retrying", async () => {
    const server = createServer(() => {});
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const slow = createOpenWebUIClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: "sk-x",
        completionTimeoutMs: 200,
        requestTimeoutMs: 200,
      });
      const timedOut = await slow.getChat("c").then(
        () => expect.fail("the call succeeded"),
        (error: unknown) => classifyError(error),
      );
      expect(timedOut).toMatchObject({
        transient: true,
        reason: expect.stringMatching(/did not answer GET \/api\/v1\/chats\/c within 200 ms/),
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
    const gone = createOpenWebUIClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: "sk-x",
      completionTimeoutMs: 200,
      requestTimeoutMs: 200,
    });
    const unreachable = await gone.getChat("c").then(
      () => expect.fail("the call succeeded"),
      (error: unknown) => classifyError(error),
    );
    expect(unreachable).toMatchObject({
      transient: true,
      reason: expect.stringMatching(/^Open WebUI could not be reached at http:\/\/127\.0\.0\.1:\d+/),
    });
  });
});
