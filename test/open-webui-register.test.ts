import { toolRegistry } from "../tool-server/tool-registry.ts";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerToolServer } from "../open-webui/register-tool-server.ts";
import { openWebUIConnection } from "../open-webui/tool-server-connection.ts";
import { startSystem, toolServerKey, type System } from "./support/system.ts";

/** A loopback address nothing listens on: a port the system gave out and we gave back. */
async function closedUrl() {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return `http://127.0.0.1:${port}`;
}

describe("npm run register against the Open WebUI stand-in", () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem({ startRelay: false });
  });
  afterAll(async () => {
    await system.close();
  });

  const register = (
    overrides: { openWebUIUrl?: string; apiKey?: string; toolServerUrl?: string; kind?: "openapi" | "mcp" } = {},
  ) =>
    registerToolServer({
      openWebUIUrl: overrides.openWebUIUrl ?? system.openWebUI.url,
      apiKey: overrides.apiKey ?? system.openWebUI.apiKey,
      timeoutMs: 5_000,
      connection: openWebUIConnection({
        url: overrides.toolServerUrl ?? system.toolServerUrl,
        key: toolServerKey,
        id: "github-registered",
        kind: overrides.kind ?? "openapi",
      }),
    });

  it("adds the tool server with its tools, then updates it in place", async () => {
    const created = await register();
    expect(created).toMatchObject({
      action: "created",
      tools: expect.arrayContaining(["get_issue", "post_issue_comment"]),
    });
    const updated = await register();
    expect(updated).toMatchObject({ action: "updated", connections: created.connections });
  });

  it("says which setting to check when Open WebUI is unreachable, refuses the key, or cannot reach the tool server", async () => {
    const closed = await closedUrl();
    await expect(register({ openWebUIUrl: closed })).rejects.toThrow(
      /^Open WebUI could not be reached at http:\/\/127\.0\.0\.1:\d+\. Check OPENWEBUI_URL/,
    );
    const refused = await register({ apiKey: "sk-not-an-admins-key-0123456789" }).catch((error: Error) => error);
    expect((refused as Error).message).toMatch(/refused OPENWEBUI_API_KEY .*needs an admin's API key/);
    expect((refused as Error).message).not.toContain("sk-not-an-admins-key-0123456789");
    await expect(register({ toolServerUrl: closed })).rejects.toThrow(
      /^Open WebUI cannot reach the tool server at http:\/\/127\.0\.0\.1:\d+\/openapi\.json .*TOOL_SERVER_URL must be the address/,
    );
  });

  it("registers the MCP connection beside the OpenAPI one under the same id, and updates each in place", async () => {
    const openapi = await register();
    const created = await register({ kind: "mcp" });
    expect(created).toMatchObject({ action: "created", tools: toolRegistry.map((tool) => tool.name) });
    expect(created.connections).toBe(openapi.connections + 1);
    expect(await register({ kind: "mcp" })).toMatchObject({ action: "updated", connections: created.connections });
    expect(await register()).toMatchObject({ action: "updated", connections: created.connections });

    const listed = await fetch(`${system.openWebUI.url}/api/v1/configs/tool_servers`, {
      headers: { authorization: `Bearer ${system.openWebUI.apiKey}` },
    });
    const { TOOL_SERVER_CONNECTIONS: stored } = (await listed.json()) as {
      TOOL_SERVER_CONNECTIONS: Array<{ type: string; url: string; info: { id: string }; headers: object }>;
    };
    const ours = stored.filter((c) => c.info.id === "github-registered");
    expect(ours.map((c) => [c.type, c.url])).toEqual([
      ["openapi", system.toolServerUrl],
      ["mcp", `${system.toolServerUrl}/mcp`],
    ]);
    // Relay runs are scoped by the chat id both connections send.
    expect(ours[1]!.headers).toEqual(ours[0]!.headers);
    expect(ours[1]!.headers).toMatchObject({ "X-OpenWebUI-Chat-Id": "{{CHAT_ID}}" });
  });

  it("says where Open WebUI could not reach the MCP endpoint", async () => {
    await expect(register({ kind: "mcp", toolServerUrl: await closedUrl() })).rejects.toThrow(
      /^Open WebUI cannot reach the tool server at http:\/\/127\.0\.0\.1:\d+\/mcp .*TOOL_SERVER_URL must be the address/,
    );
  });
});
