import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PeoplePolicy } from "../config/people-schema.ts";
import { relayAccount, startToolTestServer, type ToolTestServer } from "./support/tool-test-server.ts";
import { signUserJwt } from "./support/user-jwt.ts";

// A person files issues only with write on the repository (issue 12): Open WebUI signs who they are.
const userJwtSecret = "open-webui-forward-secret-issues-3c9e";
const alice = { id: "user-alice", email: "alice@example.com", name: "Alice", role: "user" as const };
const people: PeoplePolicy = {
  default: "read",
  grants: [{ email: alice.email, repos: ["octo/*"], access: "write" }],
  comments_per_hour: 20,
  attribution: false,
};

describe("create_issue", () => {
  let tools: ToolTestServer;
  const app = { owner: "octo", repo: "app" };
  let person: Record<string, string>;
  // A run's calls come from the relay's account, signed as Open WebUI signs it.
  let relay: Record<string, string>;
  const issueWrites = () =>
    tools.github.requests.filter((r) => r.method === "POST" && /^\/repos\/[^/]+\/[^/]+\/issues$/.test(r.path)).length;

  beforeAll(async () => {
    person = { "x-openwebui-chat-id": "a-users-chat", "x-openwebui-user-jwt": await signUserJwt(userJwtSecret, alice) };
    relay = { "x-openwebui-user-jwt": await signUserJwt(userJwtSecret, relayAccount) };
    tools = await startToolTestServer({
      userJwtSecret,
      people,
      runs: [{ chatId: "a-relay-run", ...app, issueNumber: 7 }],
    });
    tools.github.addIssue({ ...app, number: 7, title: "Crash", body: null });
    tools.github.addLabel({ ...app, name: "bug" });
    tools.github.addLabel({ ...app, name: "question" });
  });

  afterAll(async () => {
    await tools.close();
  });

  it("opens an issue with existing labels in the repository's spelling and answers its number and link", async () => {
    const { status, body } = await tools.call(
      "create_issue",
      { ...app, title: "Start fails on Windows", body: "Steps: run it.", labels: ["BUG"] },
      person,
    );
    expect(status).toBe(200);
    expect(body).toEqual({ number: 8, html_url: "https://github.com/octo/app/issues/8", labels: ["bug"] });
    expect(tools.github.requests.at(-1)!.body).toEqual({
      title: "Start fails on Windows",
      body: "Steps: run it.\n\n<!-- openwebui-github:chat -->",
      labels: ["bug"],
    });
  });

  it("strips run markers and defuses crowd mentions in what a person writes", async () => {
    const { status, body } = await tools.call(
      "create_issue",
      {
        ...app,
        title: "Ping @octo/team",
        body: "<!-- openwebui-github:delivery=abc -->Hello @everyone and @octo/maintainers",
      },
      person,
    );
    expect(status).toBe(200);
    const sent = tools.github.requests.filter((r) => r.path === "/repos/octo/app/issues").at(-1)!.body as {
      title: string;
      body: string;
    };
    expect(sent.title).toBe("Ping `@octo/team`");
    expect(sent.body).not.toMatch(/delivery=abc/);
    expect(sent.body).toMatch(/^Hello `@everyone` and `@octo\/maintainers`/);
    expect(body.number).toBe(9);
  });

  it("refuses an issue holding a credential, without asking GitHub", async () => {
    const before = tools.github.requests.length;
    const { status, body } = await tools.call(
      "create_issue",
      { ...app, title: "Token leak", body: `use ghp_${"a".repeat(36)} to log in` },
      person,
    );
    expect(status).toBe(422);
    expect(body.detail).toMatch(/looks like a key, token or password.*call create_issue again/);
    const secretTitle = await tools.call("create_issue", { ...app, title: "ghp_standin_token_0123456789" }, person);
    expect(secretTitle.status).toBe(422);
    expect(tools.github.requests.length).toBe(before);
  });

  it("refuses labels the repository lacks instead of letting GitHub create them", async () => {
    const before = issueWrites();
    const { status, body } = await tools.call(
      "create_issue",
      { ...app, title: "x", labels: ["bug", "urgent"] },
      person,
    );
    expect(status).toBe(422);
    expect(body.detail).toMatch(/do not exist in octo\/app: urgent\. This tool never creates labels/);
    expect(issueWrites()).toBe(before);
    expect(tools.github.requests.some((r) => r.method === "POST" && r.path.endsWith("/labels"))).toBe(false);
  });

  it("refuses relay runs, chats without the chat id, repositories outside GITHUB_REPOS and over-long titles", async () => {
    const before = issueWrites();
    const run = await tools.call(
      "create_issue",
      { ...app, title: "From a run" },
      { "x-openwebui-chat-id": "a-relay-run", ...relay },
    );
    expect(run).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/automated run may not create issues/) },
    });
    const noChat = await tools.call(
      "create_issue",
      { ...app, title: "No chat" },
      { "x-openwebui-user-jwt": person["x-openwebui-user-jwt"]! },
    );
    expect(noChat).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/X-OpenWebUI-Chat-Id/) } });
    const outside = await tools.call("create_issue", { owner: "elsewhere", repo: "repo", title: "x" }, person);
    expect(outside).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/not one this tool server may use/) },
    });
    const long = await tools.call("create_issue", { ...app, title: "x".repeat(257) }, person);
    expect(long).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/"title" is too long/) } });
    expect(issueWrites()).toBe(before);
  });

  it("refuses a person the people policy gives only read, and an anonymous caller", async () => {
    const before = issueWrites();
    const rita = { ...alice, id: "user-rita", email: "rita@example.com", name: "Rita" };
    const reader = {
      "x-openwebui-chat-id": "ritas-chat",
      "x-openwebui-user-jwt": await signUserJwt(userJwtSecret, rita),
    };
    const refused = await tools.call("create_issue", { ...app, title: "From a reader" }, reader);
    expect(refused).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/may not write to octo\/app/) },
    });
    const anonymous = await tools.call(
      "create_issue",
      { ...app, title: "From nobody" },
      { "x-openwebui-chat-id": "a-users-chat" },
    );
    expect(anonymous).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/Not allowed to write to octo\/app/) },
    });
    expect(issueWrites()).toBe(before);
  });

  it("counts issues against the same comment budget as comments", async () => {
    // GitHub's limit of 4 leaves people a share of 2: the comment takes one, the first issue the other.
    const limited = await startToolTestServer({
      userJwtSecret,
      people,
      commentLimits: [{ max: 4, windowMs: 3_600_000 }],
    });
    try {
      limited.github.addIssue({ ...app, number: 1, title: "t", body: null });
      const comment = await limited.call("post_issue_comment", { ...app, issue_number: 1, body: "hi" }, person);
      expect(comment.status).toBe(200);
      expect((await limited.call("create_issue", { ...app, title: "first" }, person)).status).toBe(200);
      const over = await limited.call("create_issue", { ...app, title: "second" }, person);
      expect(over).toMatchObject({
        status: 429,
        body: { detail: expect.stringMatching(/comment budget.*try again later/) },
      });
      expect(limited.github.requests.filter((r) => r.path === "/repos/octo/app/issues")).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});
