import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient, githubClientFor, type GitHubClientOptions } from "../github/create-github-client.ts";
import { createLogger, silentLogger } from "../lib/logger.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";

const token = "ghp_standin_token_0123456789";

/** GitHub's pacing and retries, as our client does them, against the stand-in. */
describe("GitHub client: pacing and retries", () => {
  let github: GitHubStandIn;
  const logs: string[] = [];
  // When each request left, by "METHOD path".
  const sent: Array<{ what: string; at: number }> = [];
  const client = (options: Partial<GitHubClientOptions> = {}) =>
    createGitHubClient({
      token,
      baseUrl: github.url,
      timeoutMs: 5_000,
      logger: createLogger({ level: "debug", write: (line) => logs.push(line) }),
      fetch: (input, init) => {
        sent.push({ what: `${init?.method ?? "GET"} ${new URL(String(input)).pathname}`, at: performance.now() });
        return fetch(input, init);
      },
      retry: { retries: 2, baseDelayMs: 5 },
      pacing: { writeMs: 5, notificationMs: 5 },
      ...options,
    });
  const requests = (method: string, pathEnd: string) =>
    github.requests.filter((r) => r.method === method && r.path.endsWith(pathEnd));

  beforeAll(async () => {
    github = await startGitHubStandIn();
    for (const number of [1, 2, 3, 4, 5, 6, 7, 8])
      github.addIssue({ owner: "octo", repo: "app", number, title: `Issue ${number}`, body: "x" });
  });
  afterAll(() => github.close());

  it("spaces the starts of writes, notifying ones (new comments) further, and lets reads through meanwhile", async () => {
    const octokit = client({ pacing: { writeMs: 100, notificationMs: 300 } });
    sent.length = 0;
    const first = await octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 1, body: "one" });
    const started = performance.now();
    await Promise.all([
      octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 1, body: "two" }),
      octokit.rest.issues.updateComment({ owner: "octo", repo: "app", comment_id: first.data.id, body: "one, edited" }),
      octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 1, body: "three" }),
      octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 1 }),
    ]);
    const at = (what: string, nth = 0) => sent.filter((s) => s.what === what)[nth]!.at;
    const creates = "POST /repos/octo/app/issues/1/comments";
    // The read did not wait behind the writes.
    expect(at("GET /repos/octo/app/issues/1") - started).toBeLessThan(80);
    // Asked in this order: create, edit, create. Comments 300 ms apart, any two writes at least 100 ms.
    expect(at(creates, 1) - at(creates, 0)).toBeGreaterThanOrEqual(295);
    // An edit notifies no one: it waits the write spacing only, not a comment's.
    const edit = at(`PATCH /repos/octo/app/issues/comments/${first.data.id}`) - at(creates, 1);
    expect(edit).toBeGreaterThanOrEqual(95);
    expect(edit).toBeLessThan(200);
    expect(at(creates, 2) - at(creates, 1)).toBeGreaterThanOrEqual(295);
    expect(github.comments("octo", "app", 1).map((c) => c.body)).toEqual(["one, edited", "two", "three"]);
  });

  it("by default spaces comments by 3 s and any two writes by 1 s, as GitHub asks", async () => {
    const octokit = client({ pacing: undefined });
    sent.length = 0;
    const [first] = await Promise.all([
      octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 7, body: "first" }),
      octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 7, body: "second" }),
    ]);
    await octokit.rest.issues.updateComment({
      owner: "octo",
      repo: "app",
      comment_id: first.data.id,
      body: "first, edited",
    });
    const [one, two, edit] = sent.map((s) => s.at);
    expect(two! - one!).toBeGreaterThanOrEqual(2_990);
    expect(edit! - two!).toBeGreaterThanOrEqual(990);
  }, 10_000);

  it("keeps the whole spacing after a write that left late (a busy event loop), rather than sending the next one early", async () => {
    const octokit = client({ pacing: { writeMs: 100, notificationMs: 100 } });
    sent.length = 0;
    await octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 8, body: "first" });
    const later = [
      octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 8, body: "second" }),
      octokit.rest.issues.createComment({ owner: "octo", repo: "app", issue_number: 8, body: "third" }),
    ];
    // Both have asked for their turn; the loop is then held past the second's, so its timer fires late.
    await new Promise((resolve) => setImmediate(resolve));
    for (const until = performance.now() + 160; performance.now() < until;);
    await Promise.all(later);
    const [, second, third] = sent.filter((s) => s.what === "POST /repos/octo/app/issues/8/comments").map((s) => s.at);
    expect(third! - second!).toBeGreaterThanOrEqual(95);
  });

  it("retries a GitHub outage on a read, with growing waits, and gives up after the retries", async () => {
    const octokit = client();
    github.failNext(2, "server-error", { pathIncludes: "/issues/2" });
    const { data } = await octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 2 });
    expect(data.title).toBe("Issue 2");
    expect(requests("GET", "/issues/2").map((r) => r.status)).toEqual([500, 500, 200]);

    github.failNext(3, "bad-gateway", { pathIncludes: "/issues/3" });
    await expect(octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 3 })).rejects.toMatchObject({
      status: 502,
    });
    expect(requests("GET", "/issues/3").map((r) => r.status)).toEqual([502, 502, 502]);
    expect(logs.filter((l) => l.includes("GitHub request failed; retrying"))).toHaveLength(4);
  });

  it("never re-sends a call made with retries: 0 after an outage (creating a comment), nor a permanent refusal", async () => {
    const octokit = client();
    github.failNext(1, "bad-gateway", { method: "POST", pathIncludes: "/issues/4/comments" });
    await expect(
      octokit.rest.issues.createComment({
        owner: "octo",
        repo: "app",
        issue_number: 4,
        body: "once",
        request: { retries: 0 },
      }),
    ).rejects.toMatchObject({ status: 502 });
    expect(requests("POST", "/issues/4/comments").map((r) => r.status)).toEqual([502]);

    await expect(octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 404 })).rejects.toMatchObject({
      status: 404,
    });
    expect(requests("GET", "/issues/404")).toHaveLength(1);
  });

  it("waits out a secondary rate limit for the retry-after GitHub sends, even on a comment, a bounded number of times", async () => {
    const octokit = client({ rateLimitRetries: 1 });
    github.failNext(1, "secondary-rate-limit", { method: "POST", pathIncludes: "/issues/5/comments" });
    const started = performance.now();
    await octokit.rest.issues.createComment({
      owner: "octo",
      repo: "app",
      issue_number: 5,
      body: "after the limit",
      request: { retries: 0 },
    });
    // retry-after: 1
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(requests("POST", "/issues/5/comments").map((r) => r.status)).toEqual([403, 201]);
    expect(github.comments("octo", "app", 5)).toHaveLength(1);
    expect(
      logs.some((l) => l.includes('"msg":"GitHub secondary rate limit reached"') && l.includes('"retryAfter":1')),
    ).toBe(true);

    github.failNext(2, "too-many-requests", { pathIncludes: "/issues/6" });
    await expect(octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 6 })).rejects.toMatchObject({
      status: 429,
    });
    expect(requests("GET", "/issues/6").map((r) => r.status)).toEqual([429, 429]);
  });

  it("does not sit out a rate limit longer than it may wait: the caller gets GitHub's refusal at once", async () => {
    const octokit = client({ maxRateLimitWaitMs: 500 });
    // The primary limit's reset is a second or two away here: longer than 500 ms.
    github.failNext(1, "primary-rate-limit", { pathIncludes: "/issues/1" });
    const started = performance.now();
    await expect(octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 1 })).rejects.toMatchObject({
      status: 403,
      response: { headers: { "x-ratelimit-remaining": "0" } },
    });
    expect(performance.now() - started).toBeLessThan(400);
    expect(logs.some((l) => l.includes('"msg":"GitHub rate limit reached"'))).toBe(true);
  });
});

describe("GitHub client as a GitHub App, at the default pace", () => {
  it("serves more concurrent calls than it sends at once while their installation and token are still being fetched", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const github = await startGitHubStandIn({
      app: {
        id: 5151,
        publicKey,
        slug: "pacer-app",
        installations: [{ id: 9001, account: "octo", repositories: ["octo/app"] }],
      },
    });
    try {
      for (let number = 1; number <= 16; number++)
        github.addIssue({ owner: "octo", repo: "app", number, title: `Issue ${number}`, body: null });
      const config = loadToolServerConfig({
        TOOL_SERVER_API_KEY: "tool-server-key-0123456789",
        GITHUB_TOKEN: "",
        GITHUB_APP_ID: "5151",
        GITHUB_APP_PRIVATE_KEY: privateKey,
        GITHUB_API_URL: github.url,
        GITHUB_REPOS: "octo/app",
      }).github;
      // No pacing given: the process's shared pace, as in production, used by the app's own client too.
      const octokit = githubClientFor(config, silentLogger);
      // 16 calls, more than go out at once, each needing the installation and its token first (requests of the app's own client).
      const all = Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: i + 1 }),
        ),
      );
      const titles = await Promise.race([
        all.then((answers) => answers.map((a) => a.data.title)),
        new Promise((r) => setTimeout(() => r("stuck"), 5_000)),
      ]);
      expect(titles).toEqual(Array.from({ length: 16 }, (_, i) => `Issue ${i + 1}`));
      expect(github.installationTokensIssued).toBe(1);
    } finally {
      await github.close();
    }
  });
});
