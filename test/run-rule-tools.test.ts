import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMcpTools } from "../stand-ins/open-mcp-tools.ts";
import { toolRegistry } from "../tool-server/tool-registry.ts";
import { startToolTestServer, toolTestKey, type ToolTestServer } from "./support/tool-test-server.ts";

// A rule's `tools:` is enforced on the tool server, whichever door the model's call comes through (issue 13).
describe("a relay run's tools are the ones its rule lists", () => {
  let tools: ToolTestServer;
  const app = { owner: "octo", repo: "app" };
  const chat = (chatId: string) => ({ "x-openwebui-chat-id": chatId });

  beforeAll(async () => {
    tools = await startToolTestServer({
      runs: [
        { chatId: "run-reading", ...app, issueNumber: 7, rule: { tools: ["get_issue", "post_issue_comment"] } },
        { chatId: "run-of-any-rule", ...app, issueNumber: 7, allowedLabels: ["bug"] },
      ],
    });
    // A run recorded before rules reached the run store.
    await tools.stores.deliveries.add({
      key: "1:old",
      deliveryId: "old",
      event: "issues",
      action: "opened",
      status: "pending",
    });
    await tools.stores.runs.add({
      chatId: "run-before-rules",
      deliveryKey: "1:old",
      deliveryId: "old",
      messageId: "m1",
      ...app,
      issueNumber: 7,
    });
    tools.github.addIssue({ ...app, number: 7, title: "Crash", body: null });
    tools.github.addLabel({ ...app, name: "bug" });
  });

  afterAll(async () => {
    await tools.close();
  });

  const labelWrites = () =>
    tools.github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/labels")).length;

  it("refuses a tool the rule does not list, telling the model which tools it has, and GitHub sees nothing", async () => {
    const refused = await tools.call("add_labels", { ...app, issue_number: 7, labels: ["bug"] }, chat("run-reading"));
    expect(refused).toEqual({
      status: 403,
      body: {
        detail:
          "This automated run may use only these tools: get_issue, post_issue_comment. add_labels is not one of them: do not call it again; carry on with the tools you have, or give your answer.",
      },
    });
    expect(labelWrites()).toBe(0);
    const allowed = await tools.call("get_issue", { ...app, issue_number: 7 }, chat("run-reading"));
    expect(allowed).toMatchObject({ status: 200, body: { title: "Crash" } });
  });

  it("refuses it over MCP too, as a tool error the model reads, though the tool was not even listed", async () => {
    const client = new Client({ name: "a-client-calling-by-name", version: "1" });
    const headers = { authorization: `Bearer ${toolTestKey}`, ...chat("run-reading") };
    await client.connect(new StreamableHTTPClientTransport(new URL(`${tools.url}/mcp`), { requestInit: { headers } }));
    try {
      const answer = (await client.callTool({
        name: "add_labels",
        arguments: { ...app, issue_number: 7, labels: ["bug"] },
      })) as CallToolResult;
      expect(answer.isError).toBe(true);
      expect(answer.content).toEqual([
        { type: "text", text: expect.stringContaining("may use only these tools: get_issue, post_issue_comment") },
      ]);
    } finally {
      await client.close();
    }
    expect(labelWrites()).toBe(0);
  });

  it("lists over MCP only the run's rule tools to the run's chat, and every tool to other chats", async () => {
    const listed = async (chatId: string) => {
      const mcp = await openMcpTools("github", `${tools.url}/mcp`, {
        authorization: `Bearer ${toolTestKey}`,
        ...chat(chatId),
      });
      await mcp.close();
      return mcp.tools.map((t) => t.name);
    };
    expect(await listed("run-reading")).toEqual(["get_issue", "post_issue_comment"]);
    expect(await listed("a-users-chat")).toEqual(toolRegistry.map((t) => t.name));
    expect(await listed("run-of-any-rule")).toEqual(toolRegistry.map((t) => t.name));
  });

  it("leaves every tool to a rule without tools:, and to a run recorded before rules", async () => {
    const labelled = await tools.call(
      "add_labels",
      { ...app, issue_number: 7, labels: ["bug"] },
      chat("run-of-any-rule"),
    );
    expect(labelled).toMatchObject({ status: 200, body: { applied: ["bug"] } });
    const read = await tools.call("get_issue", { ...app, issue_number: 7 }, chat("run-before-rules"));
    expect(read.status).toBe(200);
  });
});
