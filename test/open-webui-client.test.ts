import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { createOpenWebUIClient } from "../relay/open-webui-client.ts";

describe("Open WebUI's failures as the relay sees them", () => {
  it("treats 5xx and 429 as worth retrying (with retry-after), and 4xx as final", async () => {
    let status = 503;
    const server = createServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/json", "retry-after": "12" });
      res.end(JSON.stringify({ detail: "upstream model unavailable" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const client = createOpenWebUIClient({ baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`, apiKey: "sk-x", completionTimeoutMs: 1000, requestTimeoutMs: 1000 });
    try {
      await expect(client.getChat("c")).rejects.toMatchObject({ transient: true, retryAfterMs: 12_000, detail: expect.stringMatching(/answered 503 .*upstream model unavailable/) });
      status = 429;
      await expect(client.getChat("c")).rejects.toMatchObject({ transient: true });
      status = 400;
      await expect(client.getChat("c")).rejects.toMatchObject({ transient: false });
      status = 401;
      await expect(client.getChat("c")).rejects.toMatchObject({ transient: false, detail: expect.stringMatching(/check OPENWEBUI_API_KEY/) });
    } finally {
      server.close();
    }
  });
});
