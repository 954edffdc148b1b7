import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { clientOf, createFailureLimit } from "../relay/admin-failure-limit.ts";
import { waitFor } from "../stand-ins/payloads.ts";
import { startSystem, type System } from "./support/system.ts";

const adminToken = "q8Zr2mX4vL9tB6nW1cK7yH3p-door";

interface Answer {
  status: number;
  retryAfter: number | null;
  setCookie: string;
}

/** One HTTP request from a chosen loopback address: another client, as far as the relay can tell. */
function send(
  url: string,
  options: { from?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method: options.method ?? "GET",
        headers: options.headers,
        localAddress: options.from ?? "127.0.0.1",
        agent: false,
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          done({
            status: res.statusCode ?? 0,
            retryAfter: res.headers["retry-after"] ? Number(res.headers["retry-after"]) : null,
            setCookie: [res.headers["set-cookie"] ?? []].flat().join("\n"),
          }),
        );
      },
    );
    req.on("error", fail);
    req.end(options.body);
  });
}

const signInWith = (relayUrl: string, token: string, from?: string) =>
  send(`${relayUrl}/deliveries/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }).toString(),
    ...(from ? { from } : {}),
  });

const apiWith = (relayUrl: string, token: string, from?: string) =>
  send(`${relayUrl}/api/deliveries`, { headers: { authorization: `Bearer ${token}` }, ...(from ? { from } : {}) });

describe("guessing RELAY_ADMIN_TOKEN", () => {
  let system: System;
  afterEach(async () => {
    expect(system.logs.join("\n")).not.toContain(adminToken);
    await system.close();
  });

  it.each([
    ["the deliveries page's sign-in", signInWith],
    ["the admin API's bearer token", apiWith],
  ])(
    "through %s: 300 wrong guesses are mostly refused with 429 and a growing Retry-After, while another client gets in",
    async (_door, attempt) => {
      system = await startSystem({ relayEnv: { RELAY_ADMIN_TOKEN: adminToken } });
      const statuses: number[] = [];
      let firstWait = 0;
      for (let i = 0; i < 300; i++) {
        const answer = await attempt(system.relayUrl, `wrong-guess-${String(i).padStart(20, "0")}`);
        statuses.push(answer.status);
        if (answer.status === 429 && !firstWait) firstWait = answer.retryAfter ?? 0;
      }
      const refused = statuses.filter((s) => s === 429).length;
      console.log(`300 wrong admin tokens: ${refused} refused with 429, ${300 - refused} compared`);
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(refused).toBeGreaterThanOrEqual(280);
      expect(firstWait).toBeGreaterThanOrEqual(1);

      // While this client waits, even the right token from it is not compared.
      expect((await attempt(system.relayUrl, adminToken)).status).toBe(429);
      // Another client with the right token is not held up.
      const other = await attempt(system.relayUrl, adminToken, "127.0.0.2");
      expect([200, 303]).toContain(other.status);

      // A guesser that waits as told gets one more guess, and then a longer wait than before.
      const waited = await waitFor(
        async () => {
          const answer = await attempt(system.relayUrl, "wrong-guess-after-waiting-00");
          return answer.status === 401 ? answer : undefined;
        },
        "the guesser's wait to end",
        40_000,
      );
      expect(waited.status).toBe(401);
      const next = await attempt(system.relayUrl, "wrong-guess-after-waiting-01");
      expect(next.status).toBe(429);
      expect(next.retryAfter!).toBeGreaterThan(firstWait);
    },
    60_000,
  );
});

describe("the failure limit", () => {
  it("doubles each wait up to a cap, forgets a client that got in, and keeps clients apart", () => {
    let now = 0;
    const limit = createFailureLimit({ freeFailures: 3, baseWaitMs: 1_000, maxWaitMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limit.check("a")).toEqual({ ok: true });
      limit.failed("a");
    }
    // A guesser that always waits as told needs ever longer per guess, up to the cap.
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const check = limit.check("a");
      expect(check.ok).toBe(false);
      if (check.ok) return;
      waits.push(check.retryAfterMs);
      now += check.retryAfterMs;
      expect(limit.check("a")).toEqual({ ok: true });
      limit.failed("a");
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
    expect(limit.check("b")).toEqual({ ok: true });
    now += 60_000;
    limit.succeeded("a");
    limit.failed("a");
    expect(limit.check("a")).toEqual({ ok: true });
  });

  it("counts an IPv6 client by its /64, which one host commonly holds whole", () => {
    expect(clientOf("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientOf("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(clientOf("2001:db8::5")).toBe("2001:db8:0:0::/64");
    expect(clientOf("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientOf("::1")).toBe("0:0:0:0::/64");
    expect(clientOf("203.0.113.7")).toBe("203.0.113.7");
    expect(clientOf("::ffff:127.0.0.2")).toBe("::ffff:127.0.0.2");
  });

  it("remembers at most maxClients clients", () => {
    const limit = createFailureLimit({ freeFailures: 0, maxClients: 100, now: () => 0 });
    for (let i = 0; i < 1_000; i++) limit.failed(`client-${i}`);
    expect(limit.check("client-999").ok).toBe(false);
    expect(limit.check("client-0").ok).toBe(true);
  });
});

describe("signing out of the deliveries page", () => {
  let system: System;
  afterEach(async () => {
    await system.close();
  });

  it("ends the session on the server: a cookie copied before sign-out is refused after it, on every relay", async () => {
    system = await startSystem({ relayEnv: { RELAY_ADMIN_TOKEN: adminToken } });
    const signedIn = await signInWith(system.relayUrl, adminToken);
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.setCookie.split(";")[0]!;
    const page = () => send(`${system.relayUrl}/deliveries`, { headers: { cookie } });
    expect((await page()).status).toBe(200);

    // A stranger without the session cannot sign the admin out.
    await send(`${system.relayUrl}/deliveries/sign-out`, { method: "POST" });
    expect((await page()).status).toBe(200);

    const out = await send(`${system.relayUrl}/deliveries/sign-out`, { method: "POST", headers: { cookie } });
    expect(out.status).toBe(303);
    expect((await page()).status).toBe(401);

    // A relay started afresh on the same store (another replica) refuses it too, and a new sign-in works.
    await system.stopRelay();
    await system.startRelay();
    expect((await send(`${system.relayUrl}/deliveries`, { headers: { cookie } })).status).toBe(401);
    const again = await signInWith(system.relayUrl, adminToken);
    const fresh = again.setCookie.split(";")[0]!;
    expect((await send(`${system.relayUrl}/deliveries`, { headers: { cookie: fresh } })).status).toBe(200);
  });
});
