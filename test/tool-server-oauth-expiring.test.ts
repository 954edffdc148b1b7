import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../stand-ins/free-port.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { waitFor } from "../stand-ins/payloads.ts";
import { openSqliteToolServerStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { ToolServerStores } from "../store/stores.ts";
import { createSealedTokens } from "../tool-server/auth/oauth/sealed-tokens.ts";
import { registerClient, signInAt, tokenRequest, type FacadeClient } from "./support/oauth-client.ts";
import { startToolServerFor } from "./support/start-services.ts";

const oauthSecret = "oauth-secret-expiring-0123456789abcdef";
const app = { clientId: "Iv1.expiring0001", clientSecret: "expiring-app-secret-0001" };
const redirectUri = "http://openwebui.test/oauth/clients/mcp:github-oauth/callback";
// GitHub's user tokens live 8 hours; here a few seconds, so the test sees one end.
const githubTokenTtlMs = 3_000;

describe("a GitHub App's expiring user tokens", () => {
  let github: GitHubStandIn;
  let stores: ToolServerStores;
  let server: { close(): Promise<void> };
  let at: FacadeClient;

  beforeAll(async () => {
    github = await startGitHubStandIn({
      oauthApp: { ...app, users: { erin: {} }, expiringTokens: { ttlMs: githubTokenTtlMs } },
    });
    github.addIssue({ owner: "octo", repo: "app", number: 1, title: "Public issue", body: "hello" });
    stores = await openSqliteToolServerStores({ dataDir: ":memory:" });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    github.setOAuthCallbackUrl(`${base}/oauth/github/callback`);
    server = await startToolServerFor(
      {
        TOOL_SERVER_PORT: String(port),
        TOOL_SERVER_API_KEY: "tool-server-key-for-tests-0123",
        GITHUB_TOKEN: "ghp_standin_token_0123456789",
        GITHUB_API_URL: github.url,
        GITHUB_REPOS: "octo/app",
        GITHUB_OAUTH_CLIENT_ID: app.clientId,
        GITHUB_OAUTH_CLIENT_SECRET: app.clientSecret,
        GITHUB_WEB_URL: github.url,
        TOOL_SERVER_OAUTH_SECRET: oauthSecret,
        TOOL_SERVER_PUBLIC_URL: base,
        TOOL_SERVER_OAUTH_REDIRECT_ORIGINS: "http://openwebui.test",
      },
      stores,
      { github: { retry: { retries: 0, baseDelayMs: 5 }, pacing: { writeMs: 5, notificationMs: 5 } } },
    );
    at = { base, githubUrl: github.url, client: (await registerClient(base, redirectUri)).body, redirectUri };
  });

  afterAll(async () => {
    await server?.close();
    await stores?.close();
    await github?.close();
  });

  async function readIssue(accessToken: string) {
    const response = await fetch(`${at.base}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "get_issue", arguments: { owner: "octo", repo: "app", issue_number: 1 } },
      }),
    });
    return ((await response.json()) as { result: { isError: boolean; content: Array<{ text: string }> } }).result;
  }

  it("renews the person's GitHub token when ours is refreshed, and never puts GitHub's refresh token in an access token", async () => {
    const { access_token, refresh_token } = await signInAt(at, "erin");
    const opened = await createSealedTokens(oauthSecret, at.base).open("access", access_token);
    expect(opened?.person).toMatchObject({ login: "erin", githubToken: expect.stringMatching(/^ghu_/) });
    expect(opened?.person).not.toHaveProperty("githubRefreshToken");
    expect((await readIssue(access_token)).isError).toBe(false);

    // GitHub's token ends while ours still runs: the person is told to connect again, not the administrator.
    const refused = await waitFor(
      async () => {
        const result = await readIssue(access_token);
        return result.isError ? result : undefined;
      },
      "the GitHub token to expire",
      15_000,
    );
    expect(refused.content[0]!.text).toMatch(/connect the GitHub tools again/);

    const renewed = await tokenRequest(at.base, {
      grant_type: "refresh_token",
      refresh_token,
      client_id: at.client.client_id!,
      client_secret: at.client.client_secret!,
    });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    expect((await readIssue(String(renewed.body.access_token))).isError).toBe(false);
    const renewals = github.requests.filter((r) => r.path === "/login/oauth/access_token");
    expect(renewals.map((r) => (r.body as { grant_type?: string }).grant_type ?? "authorization_code")).toContain(
      "refresh_token",
    );
  });
});
