import { toolRegistry } from "../tool-server/tool-registry.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { freePort } from "../stand-ins/free-port.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { createSealedTokens } from "../tool-server/auth/oauth/sealed-tokens.ts";
import {
  authorizeUrl as authorizeUrlOf,
  consentAt,
  location,
  pkcePair,
  registerClient,
  signInAt,
  tokenRequest,
  type FacadeClient,
} from "./support/oauth-client.ts";
import { startToolServerFor } from "./support/start-services.ts";
import { recordRelayRun } from "./support/record-relay-run.ts";

const apiKey = "tool-server-key-for-tests-0123";
const oauthSecret = "oauth-secret-for-tests-0123456789abcdef";
const openWebUI = "http://openwebui.test";
const redirectUri = `${openWebUI}/oauth/clients/mcp:github/callback`;
const app = { clientId: "Iv1.standin0001", clientSecret: "standin-oauth-app-secret-0001" };

describe("the OAuth connection: people act on GitHub as themselves", () => {
  let github: GitHubStandIn;
  // The relay's stores: a run the relay recorded must never scope (or be taken over by) a person's call.
  let stores: RelayStores;
  let server: { url: string; close(): Promise<void> };
  let base: string;
  let client: Record<string, string>;

  beforeAll(async () => {
    github = await startGitHubStandIn({
      oauthApp: { ...app, name: "openwebui-github", users: { alice: { repos: ["octo/private"] }, bob: {} } },
      privateRepos: ["octo/private", "octo/hidden"],
    });
    github.addIssue({ owner: "octo", repo: "app", number: 1, title: "Public issue", body: "hello" });
    github.addIssue({ owner: "octo", repo: "private", number: 1, title: "Alice's plans", body: "x" });
    github.addIssue({ owner: "octo", repo: "hidden", number: 1, title: "Nobody's plans", body: "y" });
    stores = await openSqliteRelayStores({ dataDir: ":memory:" });
    await recordRelayRun(stores, {
      chatId: "chat-of-run",
      deliveryId: "run",
      owner: "octo",
      repo: "app",
      issueNumber: 1,
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    github.setOAuthCallbackUrl(`${base}/oauth/github/callback`);
    server = await startToolServerFor(
      {
        TOOL_SERVER_PORT: String(port),
        TOOL_SERVER_API_KEY: apiKey,
        GITHUB_TOKEN: "ghp_standin_token_0123456789",
        GITHUB_API_URL: github.url,
        GITHUB_REPOS: "octo/app,octo/private,octo/hidden",
        GITHUB_OAUTH_CLIENT_ID: app.clientId,
        GITHUB_OAUTH_CLIENT_SECRET: app.clientSecret,
        GITHUB_WEB_URL: github.url,
        TOOL_SERVER_OAUTH_SECRET: oauthSecret,
        TOOL_SERVER_PUBLIC_URL: base,
        TOOL_SERVER_OAUTH_REDIRECT_ORIGINS: openWebUI,
      },
      stores,
      { github: { retry: { retries: 0, baseDelayMs: 5 }, pacing: { writeMs: 5, notificationMs: 5 } } },
    );
    client = (await registerClient(base, redirectUri)).body;
  });

  afterAll(async () => {
    await server?.close();
    await stores?.close();
    await github?.close();
  });

  afterEach(() => {
    expect(github.unexpected).toEqual([]);
  });

  const at = (): FacadeClient => ({ base, githubUrl: github.url, client, redirectUri });
  const authorizeUrl = (pkce: { challenge: string }, extra: Record<string, string> = {}) =>
    authorizeUrlOf(at(), pkce, extra);

  /** A person's browser: our authorize, GitHub's consent page (clicked), our callback; answers the code. */
  async function consentAs(login: string, pkce: { challenge: string }) {
    const { toGitHub, consentPage, page, back, landed } = await consentAt(at(), login, pkce);
    expect(toGitHub.status).toBe(302);
    expect(consentPage.origin + consentPage.pathname).toBe(`${github.url}/login/oauth/authorize`);
    expect(page.text).toContain('id="authorize"');
    expect(back.status).toBe(302);
    expect(landed!.origin + landed!.pathname).toBe(redirectUri);
    expect(landed!.searchParams.get("state")).toBe("state-from-open-webui");
    return landed!.searchParams.get("code")!;
  }

  const signIn = (login: string) => signInAt(at(), login);

  async function call(tool: string, token: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}/${tool}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it("publishes protected-resource and authorization-server metadata, and points a caller without a token at it", async () => {
    const prm = await (await fetch(`${base}/.well-known/oauth-protected-resource`)).json();
    expect(prm).toMatchObject({ resource: base, authorization_servers: [base], scopes_supported: ["github"] });
    // RFC 9728's form with the resource's path, which Open WebUI tries first for an MCP URL.
    expect(await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)).json()).toEqual(prm);
    const as = await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json();
    expect(as).toMatchObject({
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      registration_endpoint: `${base}/oauth/register`,
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code", "refresh_token"],
    });
    const anonymous = await call("get_issue", "not-a-token", { owner: "octo", repo: "app", issue_number: 1 });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource"`,
    );
  });

  it("registers clients dynamically, only with redirect URIs on Open WebUI's origin", async () => {
    expect(client).toMatchObject({ redirect_uris: [redirectUri], token_endpoint_auth_method: "client_secret_post" });
    expect(client.client_secret!.length).toBeGreaterThan(30);
    const foreign = await registerClient(base, "https://attacker.example/callback");
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toBe("invalid_redirect_uri");
    const malformed = await fetch(`${base}/oauth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: "nope" }),
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toBe("invalid_client_metadata");
  });

  it("reads and comments with the person's own GitHub token: GitHub records them as the author", async () => {
    const { access_token, token_type, expires_in } = await signIn("alice");
    expect(token_type).toBe("Bearer");
    expect(expires_in).toBeGreaterThan(3500);
    const before = github.requests.length;
    const read = await call("get_issue", access_token, { owner: "octo", repo: "private", issue_number: 1 });
    expect(read.status).toBe(200);
    expect(read.body.title).toBe("Alice's plans");
    const posted = await call(
      "post_issue_comment",
      access_token,
      {
        owner: "octo",
        repo: "app",
        issue_number: 1,
        body: "I can reproduce this. <!-- openwebui-github:delivery=x -->",
      },
      { "x-openwebui-chat-id": "alices-chat" },
    );
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    const comment = github.comments("octo", "app", 1).at(-1)!;
    expect(comment.user.login).toBe("alice");
    // Hers alone: no marker of ours, neither a run's nor the tool server's.
    expect(comment.body.trim()).toBe("I can reproduce this.");
    const sent = github.requests.slice(before).map((r) => r.headers.authorization);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((h) => h !== "token ghp_standin_token_0123456789")).toBe(true);
  });

  it("keeps a repository the person cannot see on GitHub invisible, though the bot could read it", async () => {
    const { access_token } = await signIn("bob");
    const hidden = await call("get_issue", access_token, { owner: "octo", repo: "private", issue_number: 1 });
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(hidden.body)).not.toContain("Alice's plans");
    const asBot = await call("get_issue", apiKey, { owner: "octo", repo: "private", issue_number: 1 });
    expect(asBot.status).toBe(200);
    // GITHUB_REPOS still bounds what a person may touch, whatever GitHub would let them do.
    const outside = await call("get_issue", access_token, { owner: "elsewhere", repo: "repo", issue_number: 1 });
    expect(outside.status).toBe(403);
  });

  it("refuses an authorization request without PKCE S256, and never sends the person to GitHub for it", async () => {
    const before = github.requests.length;
    const noChallenge = await location(authorizeUrl(pkcePair(), { code_challenge: "" }));
    expect(noChallenge.status).toBe(400);
    expect(noChallenge.text).toMatch(/PKCE is required/);
    const plain = await location(authorizeUrl(pkcePair(), { code_challenge_method: "plain" }));
    expect(plain.status).toBe(400);
    const unknownClient = await location(authorizeUrl(pkcePair(), { client_id: "made-up" }));
    expect(JSON.parse(unknownClient.text).error).toBe("invalid_client");
    const otherRedirect = await location(authorizeUrl(pkcePair(), { redirect_uri: `${openWebUI}/elsewhere` }));
    expect(otherRedirect.status).toBe(400);
    const otherResource = await location(authorizeUrl(pkcePair(), { resource: "https://other.example" }));
    expect(JSON.parse(otherResource.text).error).toBe("invalid_target");
    expect(github.requests.length).toBe(before);
  });

  it("spends a code on a wrong code_verifier, and refuses a code used twice or with a wrong client secret", async () => {
    const pkce = pkcePair();
    const exchange = (code: string, extra: Record<string, string> = {}) =>
      tokenRequest(base, {
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri,
        code_verifier: pkce.verifier,
        client_id: client.client_id!,
        client_secret: client.client_secret!,
        ...extra,
      });
    const first = await consentAs("alice", pkce);
    const wrongVerifier = await exchange(first, { code_verifier: pkcePair().verifier });
    expect(wrongVerifier).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect((await exchange(first)).body.error).toBe("invalid_grant");

    const second = await consentAs("alice", pkce);
    expect((await exchange(second, { client_secret: "wrong-secret" })).body.error).toBe("invalid_client");
    expect((await exchange(second, { redirect_uri: `${openWebUI}/elsewhere` })).body.error).toBe("invalid_request");
    const third = await consentAs("alice", pkce);
    expect((await exchange(third)).status).toBe(200);
    expect(await exchange(third)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("refreshes once per refresh token, and refuses an expired or forged access token", async () => {
    const { refresh_token } = await signIn("alice");
    const refresh = () =>
      tokenRequest(base, {
        grant_type: "refresh_token",
        refresh_token,
        client_id: client.client_id!,
        client_secret: client.client_secret!,
      });
    const renewed = await refresh();
    expect(renewed.status).toBe(200);
    const read = await call("get_issue", String(renewed.body.access_token), {
      owner: "octo",
      repo: "app",
      issue_number: 1,
    });
    expect(read.status).toBe(200);
    expect((await refresh()).body.error).toBe("invalid_grant");

    // A token sealed with our key two hours ago, for an hour: expired.
    const past = createSealedTokens(oauthSecret, base, () => Date.now() - 7_200_000);
    const person = { login: "alice", id: 1, githubToken: "gho_whatever" };
    const expired = await past.seal("access", { person, client_id: client.client_id }, 3_600);
    const refused = await call("get_issue", expired, { owner: "octo", repo: "app", issue_number: 1 });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/connect the GitHub tools again/);
    // The same claims sealed with another key.
    const forged = await createSealedTokens("another-secret-0123456789abcdef01", base).seal(
      "access",
      { person },
      3_600,
    );
    expect((await call("get_issue", forged, { owner: "octo", repo: "app", issue_number: 1 })).status).toBe(401);
  });

  it("tells the client access_denied when the person refuses at GitHub, and a clear error when GitHub refuses us", async () => {
    const toGitHub = await location(authorizeUrl(pkcePair()));
    const consentPage = new URL(toGitHub.location!);
    const form = new URLSearchParams({ ...Object.fromEntries(consentPage.searchParams), decision: "deny" });
    const toCallback = await location(`${github.url}/login/oauth/authorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    const landed = new URL((await location(toCallback.location!)).location!);
    expect(landed.searchParams.get("error")).toBe("access_denied");
    expect(landed.searchParams.get("state")).toBe("state-from-open-webui");
    expect(landed.searchParams.has("code")).toBe(false);
    // A callback whose state was not sealed by us starts nothing.
    const forged = await location(`${base}/oauth/github/callback?code=abc&state=forged`);
    expect(forged.status).toBe(400);
    expect(forged.text).toMatch(/start again from Open WebUI/);
  });

  it("serves the same tools over MCP to signed-in people, as themselves (Open WebUI runs OAuth 2.1 for MCP connections)", async () => {
    const rpc = async (token: string, method: string, params: unknown = {}, id: number | null = 1) => {
      const response = await fetch(`${base}/mcp`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ jsonrpc: "2.0", ...(id === null ? {} : { id }), method, params }),
      });
      return {
        status: response.status,
        headers: response.headers,
        body: response.status === 202 ? null : await response.json(),
      };
    };
    const anonymous = await rpc("", "initialize");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/resource_metadata=/);
    // The tool key opens /mcp too (the MCP connection kind); a wrong token is refused before any MCP message.
    expect((await rpc("not-a-token", "tools/list")).status).toBe(401);

    const { access_token } = await signIn("bob");
    expect((await rpc(access_token, "server/discover")).body.error.code).toBe(-32601);
    const init = await rpc(access_token, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "t", version: "1" },
    });
    expect(init.body.result).toMatchObject({ protocolVersion: "2025-06-18", capabilities: { tools: {} } });
    expect((await rpc(access_token, "notifications/initialized", {}, null)).status).toBe(202);
    const list = await rpc(access_token, "tools/list");
    expect(list.body.result.tools.map((t: { name: string }) => t.name)).toEqual(toolRegistry.map((tool) => tool.name));
    expect(list.body.result.tools[0].inputSchema.required).toContain("issue_number");
    const read = await rpc(access_token, "tools/call", {
      name: "get_issue",
      arguments: { owner: "octo", repo: "app", issue_number: 1 },
    });
    expect(read.body.result).toMatchObject({ structuredContent: { title: "Public issue" } });
    expect(read.body.result.isError ?? false).toBe(false);
    const hidden = await rpc(access_token, "tools/call", {
      name: "get_issue",
      arguments: { owner: "octo", repo: "private", issue_number: 1 },
    });
    expect(hidden.body.result.isError).toBe(true);
    expect(JSON.stringify(hidden.body)).not.toContain("Alice's plans");
    const posted = await rpc(access_token, "tools/call", {
      name: "post_issue_comment",
      arguments: { owner: "octo", repo: "app", issue_number: 1, body: "Bob was here." },
    });
    expect(posted.body.result.isError ?? false).toBe(false);
    expect(github.comments("octo", "app", 1).at(-1)).toMatchObject({ body: "Bob was here.", user: { login: "bob" } });
  });

  it("treats a person's call as never a relay run, even with a run's chat id, and keeps the tool key as before", async () => {
    const { access_token } = await signIn("alice");
    const elsewhere = { owner: "octo", repo: "private", issue_number: 1, body: "Mine, not the run's." };
    const runHeader = { "x-openwebui-chat-id": "chat-of-run" };
    // With the tool key, that chat id is the run's, held to octo/app#1.
    const asRun = await call("post_issue_comment", apiKey, elsewhere, runHeader);
    expect(asRun.status).toBe(403);
    expect(asRun.body.detail).toMatch(/may only comment on octo\/app#1/);
    const asPerson = await call("post_issue_comment", access_token, elsewhere, runHeader);
    expect(asPerson.status).toBe(200);
    expect(github.comments("octo", "private", 1)).toMatchObject([
      { body: "Mine, not the run's.", user: { login: "alice" } },
    ]);
    expect(await stores.runs.get("chat-of-run")).toMatchObject({ commentId: null });
    const wrongKey = await call("get_issue", "wrong-key", { owner: "octo", repo: "app", issue_number: 1 });
    expect(wrongKey.status).toBe(401);
  });
});
