import { afterEach, describe, expect, it } from "vitest";
import { analystScript } from "../stand-ins/model-scripts.ts";
import { issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { startSystem, webhookSecret, type System } from "./support/system.ts";
import { startOnFreePort } from "../stand-ins/free-port.ts";

/** GitHub's record of a delivery to a relay that is down; anything else means another program has the port. */
function expectDown(delivery: { status: string }, port: number) {
  if (delivery.status !== "failed to connect to host")
    throw Object.assign(new Error(`port ${port} answered (${delivery.status}): another program has it`), {
      code: "EADDRINUSE",
    });
}

describe("reconciling GitHub's delivery log", () => {
  let system: System;
  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    await system.close();
  });

  it("asks GitHub to redeliver what failed while the relay was down, once each, and every issue gets its comment", async () => {
    system = await startSystem({
      script: analystScript((issue) => `Analysis of #${String(issue.number)}.`),
      startRelay: false,
    });
    for (const number of [1, 2, 3, 4]) system.github.addIssueFromPayload(issuesOpened({ number }));
    // The hook names the relay's port before the relay runs: should another program take it, another port and hook.
    const hookId = await startOnFreePort(async (port) => {
      const id = system.github.addHook({
        owner: "Codertocat",
        repo: "Hello-World",
        url: `http://127.0.0.1:${port}/webhook/github`,
        secret: webhookSecret,
      });
      // The relay is down: GitHub logs three failures and, as always, retries nothing.
      for (const number of [1, 2, 3])
        expectDown(await system.github.sendHookDelivery(id, "issues", issuesOpened({ number })), port);
      await system.startRelay({
        PORT: String(port),
        GITHUB_HOOK_ID: String(id),
        GITHUB_HOOK_REPO: "Codertocat/Hello-World",
        RELAY_RECONCILE_INTERVAL_MS: "1000",
      });
      return id;
    });
    expect(
      system.github
        .hookDeliveries(hookId)
        .filter((d) => !d.redelivery)
        .map((d) => d.status),
    ).toEqual(Array(3).fill("failed to connect to host"));
    // One the relay refused on purpose (not a JSON object: 400) is not worth redelivering.
    expect((await system.github.sendHookDelivery(hookId, "issues", [1, 2])).status).toBe("Invalid HTTP Response: 400");
    expect((await system.github.sendHookDelivery(hookId, "issues", issuesOpened({ number: 4 }))).status).toBe("OK");

    await waitFor(
      () => [1, 2, 3, 4].every((n) => system.github.comments("Codertocat", "Hello-World", n).length === 1),
      "every issue to be commented",
      20_000,
    );
    // Two more rounds, each logged when it is over: nothing is asked twice.
    const rounds = () => system.logs.filter((l) => l.includes('"msg":"reconciled the webhook\'s deliveries"')).length;
    const seen = rounds();
    await waitFor(() => rounds() >= seen + 2, "two more reconciling rounds", 10_000);
    await system.relayIdle();
    const asked = system.github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/attempts"));
    expect(asked).toHaveLength(3);
    const log = system.github.hookDeliveries(hookId);
    expect(log.filter((d) => d.redelivery).map((d) => d.status)).toEqual(["OK", "OK", "OK"]);
    for (const n of [1, 2, 3, 4]) expect(system.github.comments("Codertocat", "Hello-World", n)).toHaveLength(1);
  });

  it("refuses a half-configured hook at startup, naming both variables", async () => {
    const { loadRelayConfig } = await import("../config/load-relay-config.ts");
    system = await startSystem({ startRelay: false });
    expect(() =>
      loadRelayConfig({
        GITHUB_WEBHOOK_SECRET: "whsec-reconcile-tests-0123",
        GITHUB_TOKEN: "t",
        GITHUB_REPOS: "a/b",
        OPENWEBUI_URL: "http://x",
        OPENWEBUI_API_KEY: "k",
        GITHUB_HOOK_ID: "12",
      }),
    ).toThrowError(/GITHUB_HOOK_REPO must be the owner\/repo/);
  });
});

describe("reconciling a GitHub App's webhook", () => {
  let system: System;
  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    await system.close();
  });

  it("reads the app's delivery log with the app's JWT and redelivers what failed", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    // Exactly one mode: as an app, without GITHUB_TOKEN, installed on the repository.
    const appEnv = {
      GITHUB_TOKEN: "",
      GITHUB_APP_ID: "424242",
      GITHUB_APP_PRIVATE_KEY: privateKey.replace(/\n/g, "\\n"),
    };
    system = await startSystem({
      script: analystScript(() => "App delivery analysed."),
      startRelay: false,
      env: appEnv,
      githubOptions: {
        app: {
          id: 424242,
          publicKey,
          installations: [{ id: 5, account: "Codertocat", repositories: ["Codertocat/Hello-World"] }],
        },
      },
    });
    system.github.addIssueFromPayload(issuesOpened());
    const hookId = await startOnFreePort(async (port) => {
      const id = system.github.addAppHook({ url: `http://127.0.0.1:${port}/webhook/github`, secret: webhookSecret });
      expectDown(await system.github.sendHookDelivery(id, "issues", issuesOpened()), port);
      // The key as an .env file holds it: one line, \n escaped (appEnv above).
      await system.startRelay({ PORT: String(port), RELAY_RECONCILE_INTERVAL_MS: "1000" });
      return id;
    });
    expect(
      system.github
        .hookDeliveries(hookId)
        .filter((d) => !d.redelivery)
        .map((d) => d.status),
    ).toEqual(["failed to connect to host"]);
    await waitFor(
      () => system.github.comments("Codertocat", "Hello-World", 1).length === 1,
      "the redelivered issue to be commented",
      20_000,
    );
    const asked = system.github.requests.filter(
      (r) => r.path === "/app/hook/deliveries" || r.path.endsWith("/attempts"),
    );
    expect(asked.every((r) => r.status < 300)).toBe(true);
    expect(asked.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(String(asked[0]!.headers.authorization)).toMatch(/^bearer eyJ/i);
    expect(system.logs.join("\n")).not.toContain("PRIVATE KEY");
  });
});
