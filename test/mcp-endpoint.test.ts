import { relayAccount } from "./support/tool-test-server.ts";
import { signUserJwt } from "./support/user-jwt.ts";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { publishedDocumentPath } from "../tool-server/openapi/published-openapi-document.ts";
import { toolRegistry } from "../tool-server/tool-registry.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { parseToolOutput } from "./support/parse-tool-output.ts";
import { startToolServerFor } from "./support/start-services.ts";
import { recordRelayRun } from "./support/record-relay-run.ts";

const apiKey = "tool-server-key-for-mcp-tests-0123";
const githubToken = "ghp_standin_token_0123456789";
const runChat = "chat-of-mcp-run";

// One call per registry tool, for a person's chat; a tool added to the registry without an entry here fails the listing test.
const exampleCalls: Record<string, Record<string, unknown>> = {
  get_issue: { owner: "octo", repo: "app", issue_number: 7 },
  post_issue_comment: { owner: "octo", repo: "app", issue_number: 8, body: "Same crash here." },
  list_issue_comments: { owner: "octo", repo: "app", issue_number: 7 },
  search_issues: { owner: "octo", repo: "app", query: "crash" },
  add_labels: { owner: "octo", repo: "app", issue_number: 7, labels: ["question"] },
  get_pull_request: { owner: "octo", repo: "app", pull_number: 9 },
  get_pull_request_files: { owner: "octo", repo: "app", pull_number: 9 },
  list_review_comments: { owner: "octo", repo: "app", pull_number: 9, review_id: 31 },
  get_file_contents: { owner: "octo", repo: "app", path: "README.md" },
  create_issue: { owner: "octo", repo: "app", title: "Found while reading", body: "Steps to reproduce." },
  dispatch_workflow: { owner: "octo", repo: "app", workflow: "triage.yml", ref: "main" },
};

type Published = { components: { schemas: Record<string, unknown> }; paths: Record<string, { post: object }> };
const published = JSON.parse(readFileSync(publishedDocumentPath, "utf8")) as Published;
const pascal = (name: string) => name.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());

const userJwtSecret = "open-webui-forward-secret-mcp-5b2e";
const ada = { id: "user-ada", email: "ada@example.com", name: "Ada", role: "user" as const };
let adaJwt = "";
let relayJwt = "";

describe("the tool registry over MCP (/mcp, streamable HTTP)", () => {
  let github: GitHubStandIn;
  let stores: RelayStores;
  let server: { url: string; close(): Promise<void> };
  const clients: Client[] = [];

  beforeAll(async () => {
    github = await startGitHubStandIn();
    github.addIssue({ owner: "octo", repo: "app", number: 7, title: "Crash on start", body: "It crashes." });
    github.addIssue({ owner: "octo", repo: "app", number: 8, title: "Other", body: null });
    github.addIssue({ owner: "octo", repo: "app", number: 1, title: "Elsewhere", body: "private notes" });
    github.addIssue({ owner: "octo", repo: "lib", number: 1, title: "Allowed too", body: "private notes" });
    github.addLabel({ owner: "octo", repo: "app", name: "question", color: "d876e3", description: "A question" });
    github.addPullRequest({
      owner: "octo",
      repo: "app",
      number: 9,
      title: "Fix the crash",
      body: "Fixes #7.",
      head: { ref: "fix" },
    });
    github.addReview({ owner: "octo", repo: "app", pull_number: 9, id: 31, body: "Looks fine." });
    github.addReviewComment({ owner: "octo", repo: "app", pull_number: 9, review_id: 31, body: "Nit: a typo." });
    github.addFile({ owner: "octo", repo: "app", path: "README.md", content: "# App\n" });
    github.addFile({
      owner: "octo",
      repo: "app",
      path: ".github/workflows/triage.yml",
      content: "on: workflow_dispatch\n",
    });
    adaJwt = await signUserJwt(userJwtSecret, ada);
    relayJwt = await signUserJwt(userJwtSecret, relayAccount);
    stores = await openSqliteRelayStores({ dataDir: ":memory:" });
    server = await startToolServerFor(
      {
        TOOL_SERVER_PORT: "0",
        TOOL_SERVER_API_KEY: apiKey,
        GITHUB_TOKEN: githubToken,
        GITHUB_API_URL: github.url,
        GITHUB_REPOS: "octo/app,octo/lib",
        OPENWEBUI_USER_JWT_SECRET: userJwtSecret,
      },
      stores,
      {
        github: { pacing: { writeMs: 5, notificationMs: 5 } },
        // Ada may write in octo/*: the same policy decides on both doors.
        people: () => ({
          default: "read",
          grants: [{ email: ada.email, repos: ["octo/*"], access: "write" }],
          comments_per_hour: 20,
          attribution: false,
        }),
        workflowDispatch: { workflows: ["triage.yml"], confirmationKey: randomBytes(32) },
      },
    );
    // A relay run for octo/app#7, as the relay records it before asking Open WebUI.
    await recordRelayRun(stores, {
      ...{ chatId: runChat, deliveryId: "mcp-run", owner: "octo", repo: "app", issueNumber: 7 },
      userId: relayAccount.id,
    });
  });

  afterEach(() => {
    expect(github.unexpected).toEqual([]);
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server.close();
    await stores.close();
    await github.close();
  });

  /** The SDK's own client, with the headers Open WebUI's connection sends. */
  async function connect(headers: Record<string, string>) {
    const client = new Client({ name: "mcp-endpoint-test", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers } });
    await client.connect(transport);
    clients.push(client);
    return client;
  }
  // As Open WebUI's connection sends them: the key, the chat's id, and the user signed with the shared secret.
  const keyed = (chatId: string) => ({
    authorization: `Bearer ${apiKey}`,
    "x-openwebui-chat-id": chatId,
    "x-openwebui-user-jwt": chatId === runChat ? relayJwt : adaJwt,
  });
  const text = (result: CallToolResult) =>
    result.content.map((c) => (c.type === "text" ? c.text : `[${c.type}]`)).join("\n");
  async function call(client: Client, name: string, args: Record<string, unknown>) {
    return (await client.callTool({ name, arguments: args })) as CallToolResult;
  }

  it("lists every registry tool with the name, description and schemas of the published OpenAPI document", async () => {
    const client = await connect(keyed("a-users-chat"));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(toolRegistry.map((t) => t.name));
    expect(Object.keys(exampleCalls).sort()).toEqual(toolRegistry.map((t) => t.name).sort());
    for (const tool of tools) {
      expect(published.paths[`/${tool.name}`]!.post).toMatchObject({ description: tool.description });
      expect(tool.inputSchema).toEqual(published.components.schemas[`${pascal(tool.name)}Input`]);
      expect(tool.outputSchema).toEqual(published.components.schemas[`${pascal(tool.name)}Result`]);
    }
  });

  it("calls every tool against GitHub, answering structured content inside its output schema and the same JSON as text", async () => {
    const client = await connect(keyed("a-users-chat"));
    for (const tool of toolRegistry) {
      const result = await call(client, tool.name, exampleCalls[tool.name]!);
      expect(result.isError ?? false).toBe(false);
      parseToolOutput(tool, result.structuredContent);
      expect(JSON.parse(text(result))).toEqual(result.structuredContent);
    }
    expect(github.comments("octo", "app", 8).map((c) => c.body)).toEqual([expect.stringMatching(/^Same crash here\./)]);
    const issue = await call(client, "get_issue", { owner: "octo", repo: "app", issue_number: "7" });
    expect(issue.structuredContent).toMatchObject({ title: "Crash on start", number: 7 });
  });

  it("refuses a wrong or missing key with HTTP 401 before any MCP message, and GitHub is not asked", async () => {
    const before = github.requests.length;
    const wrong: Array<Record<string, string>> = [{ authorization: "Bearer wrong-key-wrong-key-wrong" }, {}];
    for (const headers of wrong) {
      const client = new Client({ name: "wrong-key", version: "1.0.0" });
      const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers } });
      await expect(client.connect(transport)).rejects.toMatchObject({ code: 401 });
    }
    const raw = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(raw.status).toBe(401);
    expect(((await raw.json()) as { detail: string }).detail).toMatch(/TOOL_SERVER_API_KEY/);
    expect(github.requests.length).toBe(before);
  });

  it("answers GET and DELETE with 405: the endpoint is stateless, with no stream or session to open or end", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await fetch(`${server.url}/mcp`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, accept: "text/event-stream" },
      });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
    }
  });

  it("counts MCP calls in the tool server's metrics with the status the OpenAPI route would answer", async () => {
    const client = await connect(keyed("a-users-chat"));
    await call(client, "get_issue", { owner: "nowhere", repo: "repo", issue_number: 1 });
    await call(client, "get_issue", exampleCalls.get_issue!);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tool_calls_total\{tool="get_issue",status="403"\} [1-9]/);
    expect(metrics).toMatch(/tool_calls_total\{tool="get_issue",status="200"\} [1-9]/);
  });

  it("answers a refused call as a tool result the model reads (isError), with the OpenAPI route's message", async () => {
    const client = await connect(keyed("a-users-chat"));
    const outside = await call(client, "get_issue", { owner: "elsewhere", repo: "repo", issue_number: 1 });
    expect(outside.isError).toBe(true);
    expect(text(outside)).toMatch(/elsewhere\/repo is not one this tool server may use/);
    // A refusal never lists the repositories that are allowed (issue 12).
    expect(text(outside)).not.toMatch(/octo\/(app|lib)/);
    const bad = await call(client, "get_issue", { owner: "octo", repo: "app", issue_number: "seven" });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/"issue_number" must be a whole number/);
    const missing = await call(client, "get_issue", { owner: "octo", repo: "app", issue_number: 999 });
    expect(text(missing)).toMatch(/octo\/app#999 does not exist/);
  });

  it("refuses a comment without the chat id header, as the OpenAPI route does", async () => {
    const client = await connect({ authorization: `Bearer ${apiKey}`, "x-openwebui-chat-id": "{{CHAT_ID}}" });
    const result = await call(client, "post_issue_comment", { ...exampleCalls.post_issue_comment, body: "x" });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/needs the chat id header/);
  });

  describe("a relay run's scope and the injection cases hold over MCP", () => {
    const comments = () => github.allComments().map((c) => `${c.owner}/${c.repo}#${c.issue_number}`);

    it.each([
      ["another issue in the same repository", { owner: "octo", repo: "app", issue_number: 1 }],
      ["an allowed repository", { owner: "octo", repo: "lib", issue_number: 1 }],
      ["a repository outside the allow-list", { owner: "victim", repo: "repo", issue_number: 1 }],
    ])("refuses the run's comment on %s, naming the run's issue", async (_name, target) => {
      const before = comments();
      const client = await connect(keyed(runChat));
      const result = await call(client, "post_issue_comment", { ...target, body: "Closing as duplicate" });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/may only comment on octo\/app#7/);
      expect(comments()).toEqual(before);
    });

    it("refuses the run's read of another repository, without asking GitHub", async () => {
      const before = github.requests.length;
      const client = await connect(keyed(runChat));
      const result = await call(client, "get_issue", { owner: "octo", repo: "lib", issue_number: 1 });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/limited to octo\/app/);
      expect(github.requests.slice(before).filter((r) => r.path.startsWith("/repos/octo/lib"))).toEqual([]);
    });

    it("refuses a comment carrying a token or the tool server's key", async () => {
      const client = await connect(keyed(runChat));
      const result = await call(client, "post_issue_comment", {
        owner: "octo",
        repo: "app",
        issue_number: 7,
        body: `My config: GITHUB_TOKEN=ghp_${"x".repeat(36)} key ${apiKey}`,
      });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/Never post credentials/);
      expect(github.comments("octo", "app", 7)).toEqual([]);
    });

    it("posts the run's one comment on its issue, mass mentions defused, and replaces it when called again", async () => {
      const client = await connect(keyed(runChat));
      const body = "Heads up @everyone and @acme/security, also @a @b @c @d";
      const first = await call(client, "post_issue_comment", { owner: "octo", repo: "app", issue_number: 7, body });
      expect(first.structuredContent).toMatchObject({ updated: false });
      const second = await call(client, "post_issue_comment", { owner: "octo", repo: "app", issue_number: 7, body });
      expect(second.structuredContent).toMatchObject({ updated: true });
      const posted = github.comments("octo", "app", 7);
      expect(posted).toHaveLength(1);
      expect(posted[0]!.body).toContain("Heads up `@everyone` and `@acme/security`, also `@a` `@b` `@c` `@d`");
      expect((await stores.runs.get(runChat))?.commentUrl).toBe(posted[0]!.html_url);
    });
  });
});
