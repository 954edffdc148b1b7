import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFileLocation } from "../config/config-file-location.ts";
import { loadConfigFile } from "../config/load-config-file.ts";
import { caddyBinary, startCaddy, type RunningCaddy } from "./support/start-caddy.ts";
import { sendSignedWebhook, signedWebhookSecret } from "./support/send-signed-webhook.ts";
import { startSystem, type System } from "./support/system.ts";

const inCi = process.env.OPENWEBUI_GITHUB_CI === "1";
const noStore = "no-store, no-cache, must-revalidate";
const relayNotFound = "Not found. GitHub webhooks go to POST /webhook/github.";

describe.skipIf(!caddyBinary && !inCi)("the signed webhooks' and Teams' doors through Caddy", () => {
  let system: System;
  let caddy: RunningCaddy;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "doors-caddy-"));
    writeFileSync(join(dir, "openwebui-github.yml"), "webhooks:\n  deploys: { secret_env: DEPLOYS_WEBHOOK_SECRET }\n");
    const env = { DEPLOYS_WEBHOOK_SECRET: signedWebhookSecret, RELAY_WORKER: "false" };
    system = await startSystem({ configFile: loadConfigFile(configFileLocation({}, dir), env), relayEnv: env });
    caddy = await startCaddy({ relay: system.relayUrl, openWebUI: system.openWebUI.url });
  });
  afterAll(async () => {
    await caddy?.close();
    await system?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("routes /webhook/in/<name> to the relay, the signed bytes unchanged and the answer never cached", async () => {
    const url = `${caddy.siteUrl}/webhook/in/deploys`;
    const sent = await sendSignedWebhook(url, { body: { type: "deploy.finished", note: "ünïcödé\u2028" } });
    // No rule listens yet: stored, and answered as ignored, which only the relay knows to say.
    expect(sent).toMatchObject({ status: 202, answer: { status: "ignored", reason: "no rule for webhook.deploys" } });
    expect((await system.stores.deliveries.findByDeliveryId(sent.id))?.action).toBe("deploys");
    const response = await fetch(url, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("cache-control")).toBe(noStore);
  });

  it("routes /teams/* to the relay (its 404 while Teams is not set up), never to Open WebUI", async () => {
    const response = await fetch(`${caddy.siteUrl}/teams/messages`, { method: "POST", body: "{}" });
    expect(response.headers.get("cache-control")).toBe(noStore);
    if (response.status === 404) expect(await response.json()).toEqual({ detail: relayNotFound });
    else expect(response.status).toBe(401);
  });
});
