import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startToolTestServer, type ToolTestServer } from "./support/tool-test-server.ts";

describe("search_issues", () => {
  let tools: ToolTestServer;
  const app = { owner: "octo", repo: "app" };

  beforeAll(async () => {
    tools = await startToolTestServer({
      repos: "octo/app,octo/other,octo/gone",
      runs: [{ chatId: "chat-of-run", owner: "octo", repo: "app", issueNumber: 7 }],
    });
    const { github } = tools;
    github.addIssue({
      ...app,
      number: 7,
      title: "Crash on start\u200B",
      body: `Crash on Windows <!-- hidden -->${"!".repeat(400)}`,
      labels: ["bug"],
    });
    github.addIssue({ ...app, number: 8, title: "Crash when saving", body: null, state: "closed" });
    github.addPullRequest({ ...app, number: 9, title: "Fix the crash on start", body: "Fixes #7." });
    for (let n = 10; n < 22; n++) github.addIssue({ ...app, number: n, title: `Flaky test ${n}`, body: null });
    github.addIssue({ owner: "octo", repo: "other", number: 1, title: "Crash in the other app", body: null });
    github.addIssue({ owner: "elsewhere", repo: "repo", number: 1, title: "Crash elsewhere", body: null });
  });

  afterAll(async () => {
    await tools.close();
  });

  const numbers = (body: Record<string, unknown>) => (body.items as Array<{ number: number }>).map((i) => i.number);

  it("finds issues in the one repository, the query scoped by code, with titles and excerpts cleaned", async () => {
    const { status, body } = await tools.call("search_issues", { ...app, query: "crash", unknown_extra: 1 });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      repository: "octo/app",
      query: "repo:octo/app is:issue crash",
      total_count: 2,
      has_more: false,
    });
    expect(numbers(body)).toEqual([8, 7]);
    const seven = (body.items as Array<Record<string, unknown>>)[1]!;
    expect(seven).toMatchObject({
      title: "Crash on start",
      state: "open",
      labels: ["bug"],
      html_url: "https://github.com/octo/app/issues/7",
    });
    expect(seven.excerpt).toMatch(/^Crash on Windows !+$/);
    expect((seven.excerpt as string).length).toBe(300);
    const sent = tools.github.requests.filter((r) => r.path === "/search/issues").at(-1)!;
    expect(sent.query.get("q")).toBe("repo:octo/app is:issue crash");
  });

  it("narrows by state, kind and the qualifiers that stay inside the repository", async () => {
    expect(numbers((await tools.call("search_issues", { ...app, query: "crash", state: "open" })).body)).toEqual([7]);
    expect(numbers((await tools.call("search_issues", { ...app, query: "crash", state: "closed" })).body)).toEqual([8]);
    expect(numbers((await tools.call("search_issues", { ...app, query: "crash", kind: "pr" })).body)).toEqual([9]);
    expect(numbers((await tools.call("search_issues", { ...app, query: 'label:bug "on start"' })).body)).toEqual([7]);
  });

  it("pages ten at a time", async () => {
    const first = await tools.call("search_issues", { ...app, query: "flaky" });
    expect(first.body).toMatchObject({ total_count: 12, has_more: true });
    expect(numbers(first.body)).toHaveLength(10);
    const second = await tools.call("search_issues", { ...app, query: "flaky", page: 2 });
    expect(second.body).toMatchObject({ has_more: false });
    expect(numbers(second.body)).toEqual([11, 10]);
  });

  it("refuses qualifiers and operators that could leave the repository, without asking GitHub", async () => {
    const before = tools.github.requests.length;
    for (const query of [
      "crash repo:octo/other",
      "crash -repo:octo/app",
      "org:octo crash",
      "user:elsewhere crash",
      "crash OR anything",
      "crash,repo:octo/other",
      'x"repo:octo/other"',
      "Repo:octo/other",
      "(crash)",
    ]) {
      const { status, body } = await tools.call("search_issues", { ...app, query });
      expect(status, query).toBe(400);
      expect(body.detail, query).toMatch(/always covers this one repository/);
    }
    const state = await tools.call("search_issues", { ...app, query: "is:closed crash" });
    expect(state).toMatchObject({
      status: 400,
      body: { detail: expect.stringMatching(/use the state and kind fields/) },
    });
    expect(tools.github.requests.length).toBe(before);
  });

  it("passes words that merely look like qualifiers, such as an error's text, to GitHub as words", async () => {
    const { status, body } = await tools.call("search_issues", { ...app, query: "TypeError: constructor:x" });
    expect(status).toBe(200);
    expect(body.query).toBe("repo:octo/app is:issue TypeError: constructor:x");
  });

  it("keeps a relay run's searches in its repository, and everyone's in GITHUB_REPOS", async () => {
    const run = await tools.call(
      "search_issues",
      { owner: "octo", repo: "other", query: "crash" },
      { "x-openwebui-chat-id": "chat-of-run" },
    );
    expect(run).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/limited to octo\/app/) } });
    const own = await tools.call("search_issues", { ...app, query: "crash" }, { "x-openwebui-chat-id": "chat-of-run" });
    expect(own.status).toBe(200);
    const outside = await tools.call("search_issues", { owner: "elsewhere", repo: "repo", query: "crash" });
    expect(outside.status).toBe(403);
  });

  it("explains GitHub's refusal of a search in a repository it cannot see", async () => {
    const { status, body } = await tools.call("search_issues", { owner: "octo", repo: "gone", query: "crash" });
    expect(status).toBe(422);
    expect(body.detail).toMatch(
      /GitHub refused the search: The listed users and repositories cannot be searched.*Check the repository name/,
    );
  });
});
