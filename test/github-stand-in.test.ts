import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { issuesOpened } from "../stand-ins/payloads.ts";

const token = "ghp_standin_token_0123456789";
// Octokit logs every failed request; these tests fail requests on purpose.
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const client = (baseUrl: string, auth?: string) =>
  new Octokit({ baseUrl, log: quiet, ...(auth === undefined ? {} : { auth }) });

describe("GitHub stand-in, driven by a real Octokit", () => {
  let github: GitHubStandIn;
  let octokit: Octokit;

  beforeEach(async () => {
    github = await startGitHubStandIn({
      readOnlyTokens: ["ghp_read_only_token"],
      otherTokens: { ghp_other_user_token: "someone-else" },
    });
    github.addIssue({
      owner: "octo",
      repo: "app",
      number: 7,
      title: "Crash on start",
      body: "It crashes.",
      labels: ["bug"],
      user: { login: "reporter" },
      author_association: "CONTRIBUTOR",
    });
    octokit = client(github.url, token);
  });

  afterEach(async () => {
    await github.close();
  });

  it("serves an issue in GitHub's shape, with rate-limit headers", async () => {
    const { data, headers, status } = await octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 7 });
    expect(status).toBe(200);
    expect(data).toMatchObject({
      number: 7,
      title: "Crash on start",
      body: "It crashes.",
      state: "open",
      labels: [{ name: "bug", default: false }],
      user: { login: "reporter", type: "User" },
      author_association: "CONTRIBUTOR",
      comments: 0,
      locked: false,
      assignees: [],
      html_url: "https://github.com/octo/app/issues/7",
      url: `${github.url}/repos/octo/app/issues/7`,
    });
    expect(data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(headers["x-ratelimit-limit"]).toBe("5000");
    expect(headers["x-ratelimit-remaining"]).toBe("4999");
    expect(headers["x-ratelimit-resource"]).toBe("core");
    expect(github.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ["GET", "/repos/octo/app/issues/7", 200],
    ]);
    expect(github.requests[0]!.headers.authorization).toBe(`token ${token}`);
    expect(github.unexpected).toEqual([]);
  });

  it("answers GET /user with the token's login", async () => {
    expect((await octokit.rest.users.getAuthenticated()).data).toMatchObject({
      login: "openwebui-ai-bot",
      type: "User",
    });
    const other = client(github.url, "ghp_other_user_token");
    expect((await other.rest.users.getAuthenticated()).data.login).toBe("someone-else");
  });

  it("seeds an issue from a recorded webhook payload", async () => {
    github.addIssueFromPayload(issuesOpened({ number: 3, body: "From the payload." }));
    const { data } = await octokit.rest.issues.get({ owner: "Codertocat", repo: "Hello-World", issue_number: 3 });
    expect(data).toMatchObject({
      number: 3,
      title: "Spelling error in the README file",
      body: "From the payload.",
      user: { login: "Codertocat" },
    });
  });

  it("creates a comment as the token's user and counts it on the issue", async () => {
    const { data, status } = await octokit.rest.issues.createComment({
      owner: "octo",
      repo: "app",
      issue_number: 7,
      body: "Looking into it.",
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      body: "Looking into it.",
      user: { login: "openwebui-ai-bot", type: "User" },
      html_url: `https://github.com/octo/app/issues/7#issuecomment-${data.id}`,
    });
    expect(github.comments("octo", "app", 7)).toEqual([
      expect.objectContaining({ id: data.id, body: "Looking into it.", html_url: data.html_url }),
    ]);
    expect((await octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 7 })).data.comments).toBe(1);
    expect(github.requests[0]!.body).toEqual({ body: "Looking into it." });
  });

  it("pages comments with Link headers that octokit.paginate follows", async () => {
    for (const body of ["one", "two", "three"])
      await octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 7, body });
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: "octo",
      repo: "app",
      issue_number: 7,
      per_page: 2,
    });
    expect(all.map((c) => c.body)).toEqual(["one", "two", "three"]);
    const pages = github.requests.filter((r) => r.method === "GET");
    expect(pages.map((r) => r.query.get("page"))).toEqual([null, "2"]);
    expect(pages.map((r) => r.query.get("per_page"))).toEqual(["2", "2"]);
  });

  it("holds the answer to a request it carried out until released, and answers others meanwhile", async () => {
    const created = await octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 7, body: "1" });
    const held = github.holdNext({ method: "PATCH", pathIncludes: "/issues/comments/" });
    let answered = false;
    const edit = octokit.rest.issues
      .updateComment({ owner: "octo", repo: "app", comment_id: created.data.id, body: "2" })
      .then((response) => ((answered = true), response));
    await held.arrived;
    // Done on "GitHub", unknown to the caller.
    expect(github.comments("octo", "app", 7).map((c) => c.body)).toEqual(["2"]);
    await octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 7 });
    expect(answered).toBe(false);
    held.release();
    expect((await edit).data.body).toBe("2");

    // Held before: not carried out until released.
    const late = github.holdNext({ method: "PATCH", before: true });
    const second = octokit.rest.issues.updateComment({
      owner: "octo",
      repo: "app",
      comment_id: created.data.id,
      body: "3",
    });
    await late.arrived;
    expect(github.comments("octo", "app", 7).map((c) => c.body)).toEqual(["2"]);
    late.release();
    expect((await second).data.body).toBe("3");
    expect(github.comments("octo", "app", 7).map((c) => c.body)).toEqual(["3"]);
  });

  it("updates a comment and moves its updated_at", async () => {
    const created = await octokit.rest.issues.createComment({
      owner: "octo",
      repo: "app",
      issue_number: 7,
      body: "First.",
    });
    const { data } = await octokit.rest.issues.updateComment({
      owner: "octo",
      repo: "app",
      comment_id: created.data.id,
      body: "Second.",
    });
    expect(data).toMatchObject({ id: created.data.id, body: "Second." });
    expect(data.updated_at > created.data.updated_at).toBe(true);
    expect(github.comments("octo", "app", 7).map((c) => c.body)).toEqual(["Second."]);
    // The comment belongs to octo/app: another repository cannot reach it.
    await expect(
      octokit.rest.issues.updateComment({ owner: "octo", repo: "other", comment_id: created.data.id, body: "x" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("answers 404 for a missing issue or repository, and for comments on them", async () => {
    await expect(octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 999 })).rejects.toMatchObject({
      name: "HttpError",
      status: 404,
      response: {
        data: {
          message: "Not Found",
          documentation_url: "https://docs.github.com/rest/issues/issues#get-an-issue",
          status: "404",
        },
      },
    });
    await expect(octokit.rest.issues.get({ owner: "nobody", repo: "nothing", issue_number: 1 })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 999, body: "x" }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      octokit.rest.issues.listComments({ owner: "octo", repo: "app", issue_number: 999 }),
    ).rejects.toMatchObject({ status: 404 });
    expect(github.allComments()).toEqual([]);
    expect(github.unexpected).toEqual([]);
  });

  it("refuses a bad token with 401 Bad credentials, and a missing one with Requires authentication", async () => {
    const bad = client(github.url, "ghp_wrong");
    await expect(bad.rest.issues.get({ owner: "octo", repo: "app", issue_number: 7 })).rejects.toMatchObject({
      status: 401,
      response: { data: { message: "Bad credentials" } },
    });
    const anonymous = client(github.url);
    await expect(anonymous.rest.users.getAuthenticated()).rejects.toMatchObject({
      status: 401,
      response: { data: { message: "Requires authentication" } },
    });
  });

  it("refuses a comment body over 65,536 characters with 422, and accepts one at the limit", async () => {
    await expect(
      octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 7, body: "x".repeat(65_537) }),
    ).rejects.toMatchObject({
      status: 422,
      response: {
        data: {
          message: "Validation Failed",
          errors: [
            {
              resource: "IssueComment",
              code: "custom",
              field: "body",
              message: "body is too long (maximum is 65536 characters)",
            },
          ],
        },
      },
    });
    expect(github.allComments()).toEqual([]);
    await octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 7, body: "x".repeat(65_536) });
    expect(github.allComments()).toHaveLength(1);
  });

  it("refuses bodies GitHub would not parse or accept", async () => {
    const post = (body: string, contentType = "application/json") =>
      fetch(`${github.url}/repos/octo/app/issues/7/comments`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "user-agent": "test", "content-type": contentType },
        body,
      });
    const answers = await Promise.all([post("{broken"), post("{}"), post('{"body":5}'), post('{"body":"  "}')]);
    expect(answers.map((a) => a.status)).toEqual([400, 422, 422, 422]);
    expect(((await answers[0]!.json()) as { message: string }).message).toBe("Problems parsing JSON");
    expect(((await answers[1]!.json()) as { message: string }).message).toBe(
      'Invalid request.\n\n"body" wasn\'t supplied.',
    );
    expect(github.allComments()).toEqual([]);
  });

  it("answers 403 without a User-Agent, as GitHub does", async () => {
    // undici adds a User-Agent by default; node:http does not, so send a raw request.
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${github.url}/user`, { headers: { authorization: `token ${token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it("refuses a body over 1 MB with 413", async () => {
    const response = await fetch(`${github.url}/repos/octo/app/issues/7/comments`, {
      method: "POST",
      headers: { authorization: `token ${token}`, "user-agent": "test", "content-type": "application/json" },
      body: JSON.stringify({ body: "x".repeat(1_100_000) }),
    });
    expect(response.status).toBe(413);
    expect(github.allComments()).toEqual([]);
  });

  it("fails the next matching requests on demand, changing nothing", async () => {
    github.failNext(1, "server-error", { method: "POST", pathIncludes: "/issues/7/comments" });
    await octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 7 });
    await expect(
      octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 7, body: "x" }),
    ).rejects.toMatchObject({ status: 500, response: { data: { message: "Server Error" } } });
    expect(github.allComments()).toEqual([]);
    expect(github.requests.map((r) => r.status)).toEqual([200, 500]);
    await octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 7, body: "x" });
    expect(github.allComments()).toHaveLength(1);
  });

  it("sends rate-limit faults with the headers octokit's throttling reads", async () => {
    github.failNext(1, "secondary-rate-limit");
    github.failNext(1, "primary-rate-limit");
    github.failNext(1, "too-many-requests");
    github.failNext(1, "bad-gateway");
    const secondary = await octokit.rest.users.getAuthenticated().catch((error: unknown) => error);
    expect(secondary).toMatchObject({
      status: 403,
      message: expect.stringMatching(/secondary rate limit/),
      response: { headers: { "retry-after": "1" } },
    });
    const primary = await octokit.rest.users.getAuthenticated().catch((error: unknown) => error);
    expect(primary).toMatchObject({
      status: 403,
      message: expect.stringMatching(/API rate limit exceeded/),
      response: { headers: { "x-ratelimit-remaining": "0" } },
    });
    const reset = Number(
      (primary as { response: { headers: Record<string, string> } }).response.headers["x-ratelimit-reset"],
    );
    expect(reset * 1000).toBeGreaterThan(Date.now());
    expect(reset * 1000).toBeLessThanOrEqual(Date.now() + 3000);
    await expect(octokit.rest.users.getAuthenticated()).rejects.toMatchObject({
      status: 429,
      response: { headers: { "retry-after": "1" } },
    });
    await expect(octokit.rest.users.getAuthenticated()).rejects.toMatchObject({ status: 502 });
    expect((await octokit.rest.users.getAuthenticated()).status).toBe(200);
  });

  it("refuses writes with a read-only token (403) but lets it read", async () => {
    const readOnly = client(github.url, "ghp_read_only_token");
    expect((await readOnly.rest.issues.get({ owner: "octo", repo: "app", issue_number: 7 })).status).toBe(200);
    await expect(
      readOnly.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 7, body: "x" }),
    ).rejects.toMatchObject({
      status: 403,
      response: { data: { message: "Resource not accessible by personal access token" } },
    });
    expect(github.allComments()).toEqual([]);
  });

  it("answers 404 for routes it does not implement and records them as unexpected", async () => {
    await expect(octokit.rest.pulls.list({ owner: "octo", repo: "app" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.request("GET /repos/octo/app/issues/NaN")).rejects.toMatchObject({ status: 404 });
    expect(github.unexpected.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /repos/octo/app/pulls",
      "GET /repos/octo/app/issues/NaN",
    ]);
  });
});
