import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliver, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { caddyBinary, startCaddy, type RunningCaddy } from "./support/start-caddy.ts";
import { startSystem, webhookSecret, type System } from "./support/system.ts";

const adminToken = "q8Zr2mX4vL9tB6nW1cK7yH3p-caddy";
const inCi = process.env.OPENWEBUI_GITHUB_CI === "1";

interface Answer {
  status: number;
  location: string | undefined;
  setCookie: string;
  body: string;
}

/** A browser at 127.0.0.3: a client address neither Caddy (127.0.0.1 to the relay) nor the relay has. */
function browser(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<Answer>((done, fail) => {
    const req = request(
      url,
      { method: options.method ?? "GET", headers: options.headers, localAddress: "127.0.0.3", agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () =>
          done({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            setCookie: [res.headers["set-cookie"] ?? []].flat().join("\n"),
            body,
          }),
        );
      },
    );
    req.on("error", fail);
    req.end(options.body);
  });
}

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

describe.skipIf(!caddyBinary && !inCi)("the deliveries page through Caddy", () => {
  let system: System;
  let caddy: RunningCaddy;

  beforeAll(async () => {
    // The relay trusts the proxy on loopback, as it trusts Caddy on the compose network in the image.
    system = await startSystem({
      relayEnv: { RELAY_ADMIN_TOKEN: adminToken, RELAY_WORKER: "false", TRUST_PROXY: "loopback" },
    });
    caddy = await startCaddy({ relay: system.relayUrl, openWebUI: system.openWebUI.url });
  });
  afterAll(async () => {
    await caddy?.close();
    await system?.close();
  });

  it("signs in and replays a delivery, and the relay's log shows the browser's address, not Caddy's", async () => {
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    // The worker is off: fail the delivery through the store, so there is something to replay.
    const claimed = await system.stores.queue.claim(60_000);
    expect(await system.stores.queue.finish(claimed!.lease, { status: "failed", reason: "stand-in failure" })).toBe(
      true,
    );

    const wrong = await browser(`${caddy.siteUrl}/deliveries/sign-in`, form({ token: "not-the-admin-token-0000" }));
    expect(wrong.status).toBe(401);
    const signedIn = await browser(`${caddy.siteUrl}/deliveries/sign-in`, form({ token: adminToken }));
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.setCookie.split(";")[0]!;
    const page = await browser(`${caddy.siteUrl}/deliveries`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
    const action = /action="(\/deliveries\/[^"]+\/replay)"/.exec(page.body)?.[1];
    expect(action).toBeDefined();
    const replayed = await browser(`${caddy.siteUrl}${action!}`, {
      ...form({ csrf }),
      headers: { ...form({}).headers, cookie },
    });
    expect(replayed.status).toBe(303);
    expect((await system.stores.deliveries.findByDeliveryId(deliveryId))?.status).toBe("pending");

    const lines = await waitFor(() => {
      const found = system.logs.filter((l) => /wrong token|signed in|replayed by an admin/.test(l));
      return found.length === 3 ? found : undefined;
    }, "the admin's three log lines");
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ ip: "127.0.0.3" });
    expect(system.logs.join("\n")).not.toContain(adminToken);
  });

  it("without TRUST_PROXY, sees every client as Caddy (the address the log would show)", async () => {
    await system.stopRelay();
    await system.startRelay({ TRUST_PROXY: "" });
    await caddy.close();
    caddy = await startCaddy({ relay: system.relayUrl, openWebUI: system.openWebUI.url });
    const before = system.logs.length;
    expect(
      (await browser(`${caddy.siteUrl}/deliveries/sign-in`, form({ token: "not-the-admin-token-1111" }))).status,
    ).toBe(401);
    const line = await waitFor(
      () => system.logs.slice(before).find((l) => l.includes("sign-in with a wrong token")),
      "the wrong sign-in's log line",
    );
    expect(JSON.parse(line)).toMatchObject({ ip: "127.0.0.1" });
  });
});
