import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendWithRetries } from "../../notify/send-with-retries.ts";
import type { PlatformRequest } from "../../notify/notify-types.ts";

describe("sending to a platform that takes the post but answers too late", () => {
  let server: Server;
  let received = 0;
  afterEach(() => new Promise<void>((done) => server.close(() => done())));

  // Each post lands (counted) but is answered only after the attempt's time is up.
  async function slowPlatform(): Promise<string> {
    received = 0;
    server = createServer((req, res) => {
      received++;
      req.resume();
      setTimeout(() => res.end("ok"), 1_000).unref();
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/post`;
  }

  const send = (url: string, retryAfterTimeout?: boolean) => {
    const request: PlatformRequest = {
      url,
      headers: {},
      body: { text: "the answer" },
      judge: (status) => (status === 200 ? { ok: true } : { ok: false, retry: false, error: `HTTP ${status}` }),
    };
    const timeouts = { attemptMs: 250, totalMs: 3_000, backoffMs: 5, attempts: 3 };
    return sendWithRetries(request, {
      fetch,
      timeouts,
      redact: (text) => text,
      ...(retryAfterTimeout === undefined ? {} : { retryAfterTimeout }),
    });
  };

  it("does not send a chat answer again after a timeout, since the first may have been posted", async () => {
    const sent = await send(await slowPlatform(), false);
    expect(sent).toMatchObject({ ok: false, attempts: 1 });
    expect(sent.error).toContain("not sent again, as it may have been posted");
    expect(received).toBe(1);
  });

  it("retries a notification after a timeout, as before", async () => {
    const sent = await send(await slowPlatform());
    expect(sent).toMatchObject({ ok: false, attempts: 3 });
    expect(received).toBe(3);
  });
});
