import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { loadRelayConfig } from "../relay/load-relay-config.ts";
import { loadToolServerConfig } from "../tool-server/load-tool-server-config.ts";
import { analystScript } from "./support/model-scripts.ts";
import { deliver, issuesOpened, waitFor } from "./support/payloads.ts";
import { startSystem, toolServerKey, webhookSecret, type System } from "./support/system.ts";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
const bot = "issue-analyst[bot]";
// Installed on Codertocat/Hello-World only; GITHUB_REPOS also allows octo/app, where it is not installed.
const app = (tokenTtlMs?: number) => ({ id: 424242, publicKey, slug: "issue-analyst", installations: [{ id: 77, repositories: ["Codertocat/Hello-World"] }], ...(tokenTtlMs ? { tokenTtlMs } : {}) });

describe("acting as a GitHub App", () => {
  let system: System;
  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    await system.close();
  });

  async function open(payload = issuesOpened()) {
    const response = await deliver(system.webhookUrl, { event: "issues", payload, secret: webhookSecret });
    expect(response.status).toBe(202);
    const { delivery } = (await response.json()) as { delivery: string };
    return waitFor(async () => {
      const record = await system.store.getDeliveryById(delivery);
      return record && ["done", "failed", "dead", "ignored"].includes(record.status) ? record : undefined;
    }, "the delivery to finish");
  }

  it("comments through the installation as the app's bot, with a token narrowed to the repository and to issues", async () => {
    system = await startSystem({ script: analystScript(() => "Spelling fix needed in README."), githubOptions: { app: app() }, appPrivateKey: privateKey });
    system.github.addIssueFromPayload(issuesOpened());
    const record = await open();
    expect(record).toMatchObject({ status: "done" });
    const comments = system.github.comments("Codertocat", "Hello-World", 1);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.user).toMatchObject({ login: bot, type: "Bot" });
    expect(comments[0]!.body).toContain("Spelling fix needed in README.");
    const issued = system.github.installationTokens();
    expect(issued.length).toBeGreaterThan(0);
    for (const token of issued) expect(token).toEqual({ installationId: 77, repositories: ["Codertocat/Hello-World"], permissions: { issues: "write", metadata: "read" } });
    // Repository calls carry installation tokens; only /app endpoints see the app's JWT.
    for (const request of system.github.requests) {
      const authorization = String(request.headers.authorization);
      if (request.path.startsWith("/repos/Codertocat/Hello-World/issues")) expect(authorization).toMatch(/^token ghs_/);
      else expect(authorization).toMatch(/^bearer eyJ/i);
    }
    expect(system.logs.join("\n")).not.toContain("PRIVATE KEY");
  });

  it("posts the model's answer itself as the bot when the model does not call the tool", async () => {
    system = await startSystem({ script: () => ({ content: "Probably a typo." }), githubOptions: { app: app() }, appPrivateKey: privateKey });
    system.github.addIssueFromPayload(issuesOpened());
    expect(await open()).toMatchObject({ status: "done", reason: "answer posted by the relay (fallback)" });
    const comments = system.github.comments("Codertocat", "Hello-World", 1);
    expect(comments.map((c) => c.user.login)).toEqual([bot]);
  });

  it("knows its bot identity and ignores the events its own bot causes", async () => {
    system = await startSystem({ script: analystScript(() => "unused"), githubOptions: { app: app() }, appPrivateKey: privateKey });
    await waitFor(() => system.logs.find((l) => l.includes('"msg":"acting as GitHub user"') && l.includes(`"login":"${bot}"`)), "the relay to learn the bot's login");
    system.github.addIssueFromPayload(issuesOpened({ number: 2 }));
    const record = await open(issuesOpened({ number: 2, senderLogin: bot, senderType: "Bot" }));
    expect(record).toMatchObject({ status: "ignored", reason: `sender ${bot} is a bot` });
    // The identity itself, as a user-typed sender (how a GitHub Enterprise proxy may report it).
    const own = await open(issuesOpened({ number: 2, senderLogin: bot, senderType: "User" }));
    expect(own).toMatchObject({ status: "ignored", reason: `sender ${bot} is this relay's own account` });
    expect(system.github.allComments()).toEqual([]);
  });

  it("gets a new installation token when the last one has expired", async () => {
    system = await startSystem({ script: analystScript(() => "Analysed."), githubOptions: { app: app(1_500) }, appPrivateKey: privateKey });
    system.github.addIssueFromPayload(issuesOpened({ number: 1 }));
    system.github.addIssueFromPayload(issuesOpened({ number: 2 }));
    expect(await open(issuesOpened({ number: 1 }))).toMatchObject({ status: "done" });
    const before = system.github.installationTokens().length;
    await new Promise((r) => setTimeout(r, 1_700));
    expect(await open(issuesOpened({ number: 2 }))).toMatchObject({ status: "done" });
    expect(system.github.installationTokens().length).toBeGreaterThan(before);
    expect(system.github.comments("Codertocat", "Hello-World", 2).map((c) => c.user.login)).toEqual([bot]);
    // No request went out with a token the stand-in had already let expire.
    expect(system.github.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it("fails a delivery for an allowed repository the app is not installed on, saying so", async () => {
    system = await startSystem({ script: analystScript(() => "unused"), githubOptions: { app: app() }, appPrivateKey: privateKey });
    system.github.addIssueFromPayload(issuesOpened({ owner: "octo", repo: "app" }));
    const record = await open(issuesOpened({ owner: "octo", repo: "app" }));
    expect(record.status).toBe("failed");
    expect(record.reason).toMatch(/The GitHub App is not installed on octo\/app/);
    expect(system.github.comments("octo", "app", 1)).toEqual([]);
  });

  it("answers a chat user's tool call for a repository without the app with a message saying to install it", async () => {
    system = await startSystem({ startRelay: false, githubOptions: { app: app() }, appPrivateKey: privateKey });
    system.github.addIssueFromPayload(issuesOpened({ owner: "octo", repo: "app" }));
    const response = await fetch(`${system.toolServerUrl}/get_issue`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${toolServerKey}` },
      body: JSON.stringify({ owner: "octo", repo: "app", issue_number: 1 }),
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/not installed on octo\/app/);
  });
});

describe("GitHub App settings", () => {
  const base = { GITHUB_WEBHOOK_SECRET: "s", GITHUB_REPOS: "a/b", OPENWEBUI_URL: "http://x", OPENWEBUI_API_KEY: "k", TOOL_SERVER_API_KEY: "tool-key-0123456789" };
  const key = privateKey.replace(/\n/g, "\\n");

  it("takes the app instead of a token, in both services", () => {
    expect(loadRelayConfig({ ...base, GITHUB_APP_ID: "424242", GITHUB_APP_PRIVATE_KEY: key }).github).toMatchObject({ token: "", app: { id: 424242, privateKey } });
    expect(loadToolServerConfig({ ...base, GITHUB_APP_ID: "424242", GITHUB_APP_PRIVATE_KEY: key }).github).toMatchObject({ token: "", app: { id: 424242 } });
  });

  it("refuses both a token and an app, neither, a non-numeric id and a key that is not PEM, naming the variables", () => {
    expect(() => loadRelayConfig({ ...base, GITHUB_TOKEN: "ghp_x", GITHUB_APP_ID: "1", GITHUB_APP_PRIVATE_KEY: key })).toThrowError(/GITHUB_TOKEN and GITHUB_APP_ID are both set/);
    expect(() => loadToolServerConfig(base)).toThrowError(/GITHUB_TOKEN is missing.*GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/);
    expect(() => loadRelayConfig({ ...base, GITHUB_APP_ID: "my-app", GITHUB_APP_PRIVATE_KEY: key })).toThrowError(/GITHUB_APP_ID must be the app's numeric id/);
    expect(() => loadRelayConfig({ ...base, GITHUB_APP_ID: "1", GITHUB_APP_PRIVATE_KEY: "not a key" })).toThrowError(/GITHUB_APP_PRIVATE_KEY must be the app's private key in PEM form/);
  });
});
