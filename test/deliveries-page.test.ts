import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configFileLocation } from "../config/config-file-location.ts";
import { loadConfigFile } from "../config/load-config-file.ts";
import { deliver, issuesOpened } from "../stand-ins/payloads.ts";
import { startSystem, webhookSecret, type System } from "./support/system.ts";

const adminToken = "relay-admin-token-page-0123456789";

async function signIn(relayUrl: string, token = adminToken) {
  const response = await fetch(`${relayUrl}/deliveries/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }),
    redirect: "manual",
  });
  const setCookie = response.headers.get("set-cookie") ?? "";
  return { response, setCookie, cookie: setCookie.split(";")[0]! };
}

function csrfOf(html: string): string {
  return /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
}

describe("the deliveries page", () => {
  let system: System;
  afterEach(async () => {
    // The admin token never reaches a log line, whatever was tried.
    expect(system.logs.join("\n")).not.toContain(adminToken);
    await system.close();
  });

  it("without a signed-in session, the page answers 401 with the sign-in form and the API 401, under a CSP that allows no script", async () => {
    system = await startSystem({ relayEnv: { RELAY_ADMIN_TOKEN: adminToken } });
    const page = await fetch(`${system.relayUrl}/deliveries`);
    expect(page.status).toBe(401);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<form class="sign-in" method="post" action="/deliveries/sign-in">');
    expect(html).not.toContain("<tbody>");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; /);
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get("cache-control")).toBe("no-store");

    expect((await fetch(`${system.relayUrl}/api/deliveries`)).status).toBe(401);
    expect(
      (
        await fetch(`${system.relayUrl}/api/deliveries`, {
          headers: { authorization: "Bearer not-the-admin-token-000" },
        })
      ).status,
    ).toBe(401);
    // A forged or expired cookie is no session.
    expect(
      (
        await fetch(`${system.relayUrl}/deliveries`, {
          headers: { cookie: `owg_admin=99999999999999.0.${"A".repeat(43)}` },
        })
      ).status,
    ).toBe(401);
    expect((await fetch(`${system.relayUrl}/deliveries`, { headers: { cookie: "owg_admin=1.abc" } })).status).toBe(401);
  });

  it("signs in only with RELAY_ADMIN_TOKEN, into an HttpOnly SameSite=Strict cookie, and signs out", async () => {
    system = await startSystem({ relayEnv: { RELAY_ADMIN_TOKEN: adminToken } });
    const wrong = await signIn(system.relayUrl, "relay-admin-token-page-0123456780");
    expect(wrong.response.status).toBe(401);
    expect(wrong.setCookie).toBe("");
    expect(await wrong.response.text()).toContain("That is not the admin token.");

    const right = await signIn(system.relayUrl);
    expect(right.response.status).toBe(303);
    expect(right.response.headers.get("location")).toBe("/deliveries");
    // Expires beside Max-Age (express's res.cookie) for browsers that know only Expires.
    expect(right.setCookie).toMatch(
      /^owg_admin=\d+\.\d+\.[\w-]{43}; Max-Age=43200; Path=\/deliveries; Expires=[^;]+ GMT; HttpOnly; SameSite=Strict$/,
    );
    expect(right.setCookie).not.toContain(adminToken);
    const page = await fetch(`${system.relayUrl}/deliveries`, { headers: { cookie: right.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("No deliveries.");

    // Behind a TLS-terminating proxy the cookie is Secure.
    const viaHttps = await fetch(`${system.relayUrl}/deliveries/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-proto": "https" },
      body: new URLSearchParams({ token: adminToken }),
      redirect: "manual",
    });
    expect(viaHttps.headers.get("set-cookie")).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);

    const out = await fetch(`${system.relayUrl}/deliveries/sign-out`, {
      method: "POST",
      headers: { cookie: right.cookie },
      redirect: "manual",
    });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toBe(
      "owg_admin=; Path=/deliveries; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict",
    );
  });

  it("shows attacker-written issue titles and errors as text, never as markup, with links to the issue and the run's chat", async () => {
    system = await startSystem({
      relayEnv: {
        RELAY_ADMIN_TOKEN: adminToken,
        RELAY_WORKER: "false",
        OPENWEBUI_PUBLIC_URL: "https://chat.example.com/",
      },
    });
    const title = `<script>alert("title")</script>`;
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened({ title }),
      secret: webhookSecret,
    });
    // The worker is off: play its part through the store, the way a run that failed leaves it.
    const { key } = (await system.stores.deliveries.findByDeliveryId(deliveryId))!;
    const claimed = await system.stores.queue.claim(60_000);
    await system.stores.runs.add({
      chatId: "chat-1/<x>",
      deliveryKey: key,
      deliveryId,
      owner: "Codertocat",
      repo: "Hello-World",
      issueNumber: 1,
      messageId: "m1",
    });
    const error = `Open WebUI answered 400: <img src=x onerror="alert('error')"> & <script>alert(1)</script>`;
    expect(await system.stores.queue.finish(claimed!.lease, { status: "failed", reason: error })).toBe(true);

    const { cookie } = await signIn(system.relayUrl);
    const html = await (await fetch(`${system.relayUrl}/deliveries`, { headers: { cookie } })).text();
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain("&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;");
    expect(html).toContain(
      "Open WebUI answered 400: &lt;img src=x onerror=&quot;alert(&#39;error&#39;)&quot;&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;",
    );
    expect(html).toContain(
      `<a href="https://chat.example.com/c/chat-1%2F%3Cx%3E" target="_blank" rel="noopener noreferrer">chat</a>`,
    );
    expect(html).toContain(
      `<a href="https://github.com/Codertocat/Hello-World/issues/1" target="_blank" rel="noopener noreferrer">Codertocat/Hello-World#1</a>`,
    );
    expect(html).toMatch(/<span class="status status-failed">failed<\/span>/);
    expect(html).toContain(`action="/deliveries/${encodeURIComponent(key)}/replay"`);

    // The API shows the same record as data, with the issue's title and link taken from the payload.
    const api = await fetch(`${system.relayUrl}/api/deliveries`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const [listed] = ((await api.json()) as { deliveries: Array<Record<string, unknown>> }).deliveries;
    expect(listed).toMatchObject({
      deliveryId,
      status: "failed",
      lastError: error,
      issueTitle: title,
      issueUrl: "https://github.com/Codertocat/Hello-World/issues/1",
      chatId: "chat-1/<x>",
      attempts: 1,
    });
    expect(listed!.durationMs).toEqual(expect.any(Number));
    expect(listed).not.toHaveProperty("payload");
  });

  it("filters by status and refuses an unknown one", async () => {
    system = await startSystem({ relayEnv: { RELAY_ADMIN_TOKEN: adminToken, RELAY_WORKER: "false" } });
    const failing = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened({ number: 1 }),
      secret: webhookSecret,
    });
    const waiting = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened({ number: 2 }),
      secret: webhookSecret,
    });
    const claimed = await system.stores.queue.claim(60_000);
    expect(claimed?.delivery.deliveryId).toBe(failing.deliveryId);
    await system.stores.queue.finish(claimed!.lease, { status: "dead", reason: "gave up after 5 attempts" });
    const { cookie } = await signIn(system.relayUrl);

    const dead = await (await fetch(`${system.relayUrl}/deliveries?status=dead`, { headers: { cookie } })).text();
    expect(dead).toContain(failing.deliveryId);
    expect(dead).not.toContain(waiting.deliveryId);
    expect(dead).toContain('<a href="/deliveries?status=dead" aria-current="page">dead</a>');
    // Nothing in progress is shown, so the page does not reload itself.
    expect(dead).not.toContain('http-equiv="refresh"');
    const pending = await (await fetch(`${system.relayUrl}/deliveries?status=pending`, { headers: { cookie } })).text();
    expect(pending).toContain(waiting.deliveryId);
    expect(pending).not.toContain(failing.deliveryId);
    expect(pending).toContain('<meta http-equiv="refresh" content="3; url=/deliveries?status=pending">');

    const unknown = await fetch(`${system.relayUrl}/deliveries?status=%3Cb%3E`, { headers: { cookie } });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain(
      "Unknown status. Pick one of: pending, running, done, failed, dead, ignored.",
    );
  });

  it("replays a failed delivery from the page's form only: no form token or another site's request is refused", async () => {
    system = await startSystem({ relayEnv: { RELAY_ADMIN_TOKEN: adminToken, RELAY_WORKER: "false" } });
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    const { key } = (await system.stores.deliveries.findByDeliveryId(deliveryId))!;
    const claimed = await system.stores.queue.claim(60_000);
    await system.stores.queue.finish(claimed!.lease, { status: "failed", reason: "GitHub answered 404: Not Found" });
    const { cookie } = await signIn(system.relayUrl);
    const csrf = csrfOf(await (await fetch(`${system.relayUrl}/deliveries`, { headers: { cookie } })).text());
    expect(csrf).toMatch(/^[\w-]{43}$/);
    const replay = (headers: Record<string, string>, body: Record<string, string>) =>
      fetch(`${system.relayUrl}/deliveries/${encodeURIComponent(key)}/replay`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(body),
        redirect: "manual",
      });

    expect((await replay({}, { csrf })).status).toBe(401);
    expect((await replay({ cookie }, {})).status).toBe(403);
    expect((await replay({ cookie }, { csrf: "x".repeat(43) })).status).toBe(403);
    expect((await replay({ cookie, "sec-fetch-site": "cross-site" }, { csrf })).status).toBe(403);
    expect((await system.stores.deliveries.get(key))?.status).toBe("failed");

    const accepted = await replay({ cookie, "sec-fetch-site": "same-origin" }, { csrf });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get("location")).toBe("/deliveries");
    expect(await system.stores.deliveries.get(key)).toMatchObject({ status: "pending", attempts: 0 });
    // Until a worker takes it again, the old run's time is not shown as this one's.
    const api = await fetch(`${system.relayUrl}/api/deliveries`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(((await api.json()) as { deliveries: unknown[] }).deliveries).toEqual([
      expect.objectContaining({ deliveryId, status: "pending", durationMs: null }),
    ]);
    const unknown = await fetch(`${system.relayUrl}/deliveries/424242%3Anope/replay`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ csrf }),
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("No delivery 424242:nope.");
    const again = await replay({ cookie }, { csrf });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(
      `Delivery ${deliveryId} is pending; only failed or dead deliveries can be replayed.`,
    );
  });

  it("reloads the config file from the page's form only, showing what it now sets or each problem of a refused file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "page-config-"));
    const file = join(dir, "openwebui-github.yml");
    writeFileSync(file, "people:\n  default: read\n");
    system = await startSystem({
      relayEnv: { RELAY_ADMIN_TOKEN: adminToken, RELAY_WORKER: "false" },
      configFile: loadConfigFile(configFileLocation({}, dir)),
    });
    try {
      const { cookie } = await signIn(system.relayUrl);
      const page = await (await fetch(`${system.relayUrl}/deliveries`, { headers: { cookie } })).text();
      expect(page).toContain('<form class="inline" method="post" action="/deliveries/reload-config">');
      const csrf = csrfOf(page);
      const reload = (headers: Record<string, string>, body: Record<string, string>) =>
        fetch(`${system.relayUrl}/deliveries/reload-config`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
          body: new URLSearchParams(body),
          redirect: "manual",
        });

      // A file with markup in it, refused: the old one stays, and the page shows each problem as text.
      writeFileSync(file, "people:\n  default: <b>write</b>\n  attribution: maybe\n");
      expect((await reload({}, { csrf })).status).toBe(401);
      expect((await reload({ cookie }, {})).status).toBe(403);
      expect((await reload({ cookie, "sec-fetch-site": "cross-site" }, { csrf })).status).toBe(403);
      const refused = await reload({ cookie, "sec-fetch-site": "same-origin" }, { csrf });
      expect(refused.status).toBe(422);
      const refusedHtml = await refused.text();
      expect(refusedHtml).not.toContain("<b>");
      expect(refusedHtml).toContain(
        "Config file refused; the one in use stays (openwebui-github.yml: people: default read,",
      );
      expect(refusedHtml).toContain(
        "<li><code>openwebui-github.yml:2:12: people.default: expected one of none, read, write, got &quot;&lt;b&gt;write&lt;/b&gt;&quot;</code></li>",
      );
      expect(refusedHtml).toContain(
        "<li><code>openwebui-github.yml:3:16: people.attribution: expected true or false, got &quot;maybe&quot;</code></li>",
      );
      expect(system.logs.filter((l) => l.includes('"msg":"config file refused, the previous one stays"'))).toHaveLength(
        2,
      );

      writeFileSync(file, "people:\n  default: none\n");
      const accepted = await reload({ cookie, "sec-fetch-site": "same-origin" }, { csrf });
      expect(accepted.status).toBe(200);
      expect(await accepted.text()).toContain(
        "Config file reloaded: openwebui-github.yml: people: default none, 0 grants, 20 comments per hour per person, attribution on",
      );

      // The admin API does the same for scripts, behind the admin token.
      writeFileSync(file, "people:\n  default: nobody\n");
      expect((await fetch(`${system.relayUrl}/api/config/reload`, { method: "POST" })).status).toBe(401);
      const viaApi = await fetch(`${system.relayUrl}/api/config/reload`, {
        method: "POST",
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(viaApi.status).toBe(422);
      expect(await viaApi.json()).toMatchObject({
        ok: false,
        problems: ['openwebui-github.yml:2:12: people.default: expected one of none, read, write, got "nobody"'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is off, like the API, while RELAY_ADMIN_TOKEN is unset", async () => {
    system = await startSystem();
    const page = await fetch(`${system.relayUrl}/deliveries`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("The deliveries page is off. Set RELAY_ADMIN_TOKEN to turn it on.");
    expect(
      (
        await fetch(`${system.relayUrl}/deliveries/sign-in`, {
          method: "POST",
          body: new URLSearchParams({ token: "anything-at-all-0123" }),
        })
      ).status,
    ).toBe(404);
    expect((await fetch(`${system.relayUrl}/api/deliveries`)).status).toBe(404);
  });
});
