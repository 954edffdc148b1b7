import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../lib/logger.ts";
import { loadToolServerConfig } from "../../config/load-tool-server-config.ts";
import { createDeployment } from "../../deployment/create-deployment.ts";
import { freePort } from "../../stand-ins/free-port.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../../stand-ins/github-stand-in.ts";
import { lastToolResult, toolResults } from "../../stand-ins/model-scripts.ts";
import {
  ensureOpenWebUI,
  openWebUIApi,
  openWebUIVersion,
  startOpenWebUI,
  type OpenWebUIInstance,
} from "../../stand-ins/open-webui-instance.ts";
import { runRegister } from "../../stand-ins/real-system.ts";
import { startScriptedModel, type ScriptedModel } from "../../stand-ins/scripted-model.ts";
import { openSqliteToolServerStores } from "../../store/sqlite/open-sqlite-stores.ts";
import type { ToolServerStores } from "../../store/stores.ts";

// One person, Grace: on GitHub she may see octo/private but not octo/hidden (both private).
const grace = { name: "Grace Hopper", email: "grace@example.com", password: "user-password-0123", login: "grace" };
const githubApp = { clientId: "Iv1.realoauth0001", clientSecret: "real-oauth-app-secret-0001" };
const toolServerKey = "tool-server-key-real-oauth-0123";

let github: GitHubStandIn;
let model: ScriptedModel;
let openWebUI: OpenWebUIInstance;
let stores: ToolServerStores;
let toolServer: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  const { command } = await ensureOpenWebUI();
  github = await startGitHubStandIn({
    oauthApp: { ...githubApp, name: "openwebui-github", users: { [grace.login]: { repos: ["octo/private"] } } },
    privateRepos: ["octo/private", "octo/hidden"],
  });
  github.addIssue({
    owner: "octo",
    repo: "app",
    number: 1,
    title: "Dark mode resets after reload",
    body: "Every reload.",
  });
  github.addIssue({ owner: "octo", repo: "hidden", number: 1, title: "Acquisition plans", body: "Top secret." });
  model = await startScriptedModel();
  openWebUI = await startOpenWebUI({
    command,
    modelUrl: model.url,
    modelApiKey: model.apiKey,
    env: { BYPASS_MODEL_ACCESS_CONTROL: "true" },
  });
  stores = await openSqliteToolServerStores({ dataDir: ":memory:" });
  // The public URL is the tool server's own address: the browser and Open WebUI both reach it on loopback.
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  github.setOAuthCallbackUrl(`${publicUrl}/oauth/github/callback`);
  const env = {
    TOOL_SERVER_PORT: String(port),
    TOOL_SERVER_API_KEY: toolServerKey,
    GITHUB_TOKEN: "ghp_standin_token_0123456789",
    GITHUB_API_URL: github.url,
    GITHUB_REPOS: "octo/*",
    GITHUB_OAUTH_CLIENT_ID: githubApp.clientId,
    GITHUB_OAUTH_CLIENT_SECRET: githubApp.clientSecret,
    GITHUB_WEB_URL: github.url,
    TOOL_SERVER_OAUTH_SECRET: "real-oauth-sealing-secret-0123456789abcdef",
    TOOL_SERVER_PUBLIC_URL: publicUrl,
    TOOL_SERVER_OAUTH_REDIRECT_ORIGINS: openWebUI.url,
  };
  toolServer = await createDeployment(
    { env, relay: null, toolServer: loadToolServerConfig(env) },
    { logger: silentLogger, host: "127.0.0.1", github: { pacing: { writeMs: 5, notificationMs: 5 } } },
  ).startToolServer(stores);
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // The machine has no network beyond loopback: stop Chromium from trying to reach Google's services.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await toolServer?.close();
  await stores?.close();
  await openWebUI?.close();
  await model?.close();
  await github?.close();
});

describe(`the OAuth connection through the real Open WebUI ${openWebUIVersion}`, () => {
  it("registers idempotently; a person connects in Chromium, then reads, comments as herself, and cannot see a repository GitHub hides from her", async () => {
    const api = openWebUIApi(openWebUI.url);
    const adminToken = await api.signIn(openWebUI.admin.email, openWebUI.admin.password);
    const adminKey = await api.createApiKey(adminToken);
    await api.request("POST", "/api/v1/auths/add", adminToken, {
      name: grace.name,
      email: grace.email,
      password: grace.password,
      role: "user",
    });
    const registerEnv = { OPENWEBUI_URL: openWebUI.url, OPENWEBUI_API_KEY: adminKey, TOOL_SERVER_URL: toolServer.url };
    const first = await runRegister(registerEnv, ["--auth", "oauth"]);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toMatch(/Tool server "github-oauth" created .*\(oauth\)/);
    const again = await runRegister(registerEnv, ["--auth", "oauth"]);
    expect(first.stdout).toMatch(/OAuth client registered/);
    expect(again.stdout).toMatch(/Tool server "github-oauth" updated .*OAuth client kept/);
    const saved = await api.request<{
      TOOL_SERVER_CONNECTIONS: Array<{ type: string; auth_type: string; info: { id: string } }>;
    }>("GET", "/api/v1/configs/tool_servers", adminToken);
    expect(saved.TOOL_SERVER_CONNECTIONS.filter((c) => c.info.id === "github-oauth")).toMatchObject([
      { type: "mcp", auth_type: "oauth_2.1" },
    ]);

    model.setScript((request) => {
      const done = toolResults(request).length;
      if (done === 0)
        return {
          toolCalls: [{ name: "github-oauth_get_issue", arguments: { owner: "octo", repo: "app", issue_number: 1 } }],
        };
      if (done === 1) {
        const issue = lastToolResult(request);
        return {
          toolCalls: [
            {
              name: "github-oauth_post_issue_comment",
              arguments: { owner: "octo", repo: "app", issue_number: 1, body: `Seen: ${String(issue.title)}.` },
            },
          ],
        };
      }
      if (done === 2)
        return {
          toolCalls: [
            { name: "github-oauth_get_issue", arguments: { owner: "octo", repo: "hidden", issue_number: 1 } },
          ],
        };
      return { content: `Done. The hidden read said: ${JSON.stringify(request.messages.at(-1)?.content)}` };
    });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${openWebUI.url}/auth`);
    await page.fill("#email", grace.email);
    await page.fill("#password", grace.password);
    await page.click("button[type=submit]");
    await page.waitForSelector("#integration-menu-button", { timeout: 30_000 });
    await page.click("#integration-menu-button");
    await page.getByRole("menuitem", { name: /Tools/ }).click();
    // Not connected yet: a plain item whose click starts the sign-in (Open WebUI's /oauth/clients/mcp:<id>/authorize).
    // Open WebUI dims it with an overlay that takes the click: force clicks there, as a person's click does.
    await page.getByRole("menuitem", { name: "GitHub (as you)" }).click({ force: true });
    await page.waitForURL(`${github.url}/login/oauth/authorize?**`, { timeout: 30_000 });
    await page.fill("#login", grace.login);
    await page.click("#authorize");
    await page.waitForURL((url) => url.origin === openWebUI.url && !url.pathname.startsWith("/oauth"), {
      timeout: 30_000,
    });
    expect(page.url()).not.toMatch(/error=/);

    await page.waitForSelector("#integration-menu-button", { timeout: 30_000 });
    await page.click("#integration-menu-button");
    await page.getByRole("menuitem", { name: /Tools/ }).click();
    const toggle = page.getByRole("menuitemcheckbox", { name: "GitHub (as you)" });
    if ((await toggle.getAttribute("aria-checked")) !== "true") await toggle.click();
    expect(await toggle.getAttribute("aria-checked")).toBe("true");
    await page.keyboard.press("Escape");
    await page.click("#chat-input");
    await page.keyboard.type("Please comment on octo/app#1, then look at octo/hidden#1.");
    await page.keyboard.press("Enter");
    await page.getByText(/^Done\. The hidden read said/).waitFor({ timeout: 120_000 });
    mkdirSync("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/open-webui-oauth-connection.png" });

    // GitHub recorded the comment as Grace's, posted with her token, not the bot's.
    expect(github.comments("octo", "app", 1)).toMatchObject([
      { body: "Seen: Dark mode resets after reload.", user: { login: "grace" } },
    ]);
    const post = github.requests.find((r) => r.method === "POST" && r.path === "/repos/octo/app/issues/1/comments")!;
    expect(post.headers.authorization).toMatch(/^token gho_/);
    // The private repository GitHub hides from her stayed invisible: a 404 at GitHub, "does not exist" to the model.
    expect(github.requests.filter((r) => r.path === "/repos/octo/hidden/issues/1").map((r) => r.status)).toEqual([404]);
    const answer = model.requests.at(-1)!.messages.at(-1)!;
    expect(String(answer.content)).toMatch(/does not exist/);
    expect(JSON.stringify(model.requests.map((r) => r.messages))).not.toContain("Acquisition plans");
  });
});
