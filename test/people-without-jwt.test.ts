import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PeoplePolicy } from "../config/people-schema.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { startToolServerFor } from "./support/start-services.ts";
import { recordRelayRun } from "./support/record-relay-run.ts";

const apiKey = "tool-server-key-for-people-0123";
const policy: PeoplePolicy = {
  default: "read",
  grants: [{ email: "mia@example.com", repos: ["octo/app"], access: "write" }],
  comments_per_hour: 20,
  attribution: false,
};

describe("the tool server without a JWT secret", () => {
  let github: GitHubStandIn;
  let stores: RelayStores;
  const servers: Array<{ url: string; close(): Promise<void> }> = [];

  beforeAll(async () => {
    github = await startGitHubStandIn();
    github.addIssue({ owner: "octo", repo: "app", number: 1, title: "A bug", body: "x" });
    github.addIssue({ owner: "octo", repo: "app", number: 2, title: "Another", body: "y" });
    stores = await openSqliteRelayStores({ dataDir: ":memory:" });
    await recordRelayRun(stores, {
      chatId: "chat-of-run",
      deliveryId: "run",
      owner: "octo",
      repo: "app",
      issueNumber: 1,
    });
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    await stores.close();
    await github.close();
  });

  async function start(extra: Record<string, string> = {}) {
    const env = {
      TOOL_SERVER_PORT: "0",
      TOOL_SERVER_API_KEY: apiKey,
      GITHUB_TOKEN: "ghp_standin_token_0123456789",
      GITHUB_API_URL: github.url,
      GITHUB_REPOS: "octo/app",
      ...extra,
    };
    const server = await startToolServerFor(env, stores, {
      github: { retry: { retries: 0, baseDelayMs: 5 }, pacing: { writeMs: 5, notificationMs: 5 } },
      people: () => policy,
    });
    servers.push(server);
    return async (tool: string, body: object, headers: Record<string, string>) => {
      const response = await fetch(`${server.url}/${tool}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}`, ...headers },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { detail?: string } };
    };
  }
  const mia = {
    "x-openwebui-user-id": "mia",
    "x-openwebui-user-email": "mia@example.com",
    "x-openwebui-user-name": "Mia",
    "x-openwebui-user-role": "user",
  };
  const comment = (issue: number) => ({ owner: "octo", repo: "app", issue_number: issue, body: "Noted." });

  it("takes every caller as anonymous: reads as the default allows, never writes, whatever the headers say", async () => {
    const call = await start();
    expect((await call("get_issue", { owner: "octo", repo: "app", issue_number: 1 }, mia)).status).toBe(200);
    const write = await call("post_issue_comment", comment(2), { ...mia, "x-openwebui-chat-id": "a-chat" });
    expect(write.status).toBe(403);
    expect(write.body.detail).toMatch(/does not know who is asking/);
  });

  it("lets a live run's chat id alone act within that run's one issue, and not once the run has finished", async () => {
    const call = await start();
    const runChat = { "x-openwebui-chat-id": "chat-of-run" };
    expect((await call("post_issue_comment", comment(2), runChat)).body.detail).toMatch(
      /may only comment on octo\/app#1/,
    );
    expect((await call("post_issue_comment", comment(1), runChat)).status).toBe(200);
    await stores.runs.finish("chat-of-run");
    expect((await call("post_issue_comment", comment(1), runChat)).status).toBe(403);
    expect(github.comments("octo", "app", 1)).toHaveLength(1);
  });

  it("with TRUST_OPENWEBUI_USER_HEADERS, takes the plain headers' user id and email for the policy", async () => {
    const call = await start({ TRUST_OPENWEBUI_USER_HEADERS: "true" });
    const chat = { "x-openwebui-chat-id": "a-chat" };
    expect((await call("post_issue_comment", comment(2), { ...mia, ...chat })).status).toBe(200);
    const other = { ...mia, "x-openwebui-user-id": "someone", "x-openwebui-user-email": "someone@example.com" };
    expect((await call("post_issue_comment", comment(2), { ...other, ...chat })).status).toBe(403);
  });
});
