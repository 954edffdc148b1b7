import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { location } from "./support/oauth-client.ts";

const app = { clientId: "Iv1.strict0001", clientSecret: "strict-app-secret-0001", name: "strict" };
const callback = "http://tool-server.test/oauth/github/callback";

describe("the GitHub stand-in's sign-in, as strict as GitHub's", () => {
  let github: GitHubStandIn;

  beforeAll(async () => {
    github = await startGitHubStandIn({
      oauthApp: { ...app, callbackUrl: callback, users: { carol: { repos: ["octo/private"] }, dave: {} } },
      privateRepos: ["octo/private"],
    });
    github.addIssue({ owner: "octo", repo: "private", number: 1, title: "Private", body: "x" });
  });
  afterAll(() => github.close());

  async function codeFor(login: string, redirectUri = callback) {
    const answer = await location(`${github.url}/login/oauth/authorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: app.clientId,
        redirect_uri: redirectUri,
        state: "s",
        login,
        decision: "allow",
      }).toString(),
    });
    return answer.location ? new URL(answer.location).searchParams.get("code") : null;
  }

  async function exchange(form: Record<string, string>) {
    const response = await fetch(`${github.url}/login/oauth/access_token`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify({
        client_id: app.clientId,
        client_secret: app.clientSecret,
        redirect_uri: callback,
        ...form,
      }),
    });
    // GitHub answers these errors with 200 and an error field.
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, string>;
  }

  const api = (token: string, path: string) =>
    fetch(`${github.url}${path}`, { headers: { authorization: `Bearer ${token}`, "user-agent": "test" } });

  it("shows a consent page for its app and callback only", async () => {
    const page = (query: Record<string, string>) =>
      location(
        `${github.url}/login/oauth/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: callback, state: "s", ...query })}`,
      );
    expect((await page({})).text).toContain("Authorize strict");
    expect((await page({ client_id: "unknown" })).status).toBe(404);
    expect((await page({ redirect_uri: "http://attacker.test/oauth/github/callback" })).status).toBe(400);
    // Below the callback's path is allowed, as on GitHub; beside it is not.
    expect((await page({ redirect_uri: `${callback}/deeper` })).status).toBe(200);
    expect((await page({ redirect_uri: "http://tool-server.test/oauth/other" })).status).toBe(400);
  });

  it("sends a refusal back as access_denied, and refuses an unknown user", async () => {
    const denied = await location(`${github.url}/login/oauth/authorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: app.clientId,
        redirect_uri: callback,
        state: "s",
        decision: "deny",
      }).toString(),
    });
    expect(new URL(denied.location!).searchParams.get("error")).toBe("access_denied");
    expect(await codeFor("mallory")).toBeNull();
  });

  it("trades a code once, only with the right secret and redirect_uri", async () => {
    const code = (await codeFor("carol"))!;
    expect((await exchange({ code, client_secret: "wrong" })).error).toBe("incorrect_client_credentials");
    expect((await exchange({ code, redirect_uri: `${callback}/deeper` })).error).toBe("redirect_uri_mismatch");
    const token = await exchange({ code });
    expect(token.access_token).toMatch(/^gho_/);
    expect((await exchange({ code })).error).toBe("bad_verification_code");
    expect((await exchange({ code: "made-up" })).error).toBe("bad_verification_code");
  });

  it("gives each user's token their own identity and their own private repositories", async () => {
    const carol = (await exchange({ code: (await codeFor("carol"))! })).access_token!;
    const dave = (await exchange({ code: (await codeFor("dave"))! })).access_token!;
    expect(((await (await api(carol, "/user")).json()) as { login: string }).login).toBe("carol");
    expect((await api(carol, "/repos/octo/private/issues/1")).status).toBe(200);
    expect((await api(dave, "/repos/octo/private/issues/1")).status).toBe(404);
    const comment = await fetch(`${github.url}/repos/octo/private/issues/1/comments`, {
      method: "POST",
      headers: { authorization: `Bearer ${dave}`, "user-agent": "test", "content-type": "application/json" },
      body: JSON.stringify({ body: "let me in" }),
    });
    expect(comment.status).toBe(404);
    expect(github.comments("octo", "private", 1)).toEqual([]);
  });
});
