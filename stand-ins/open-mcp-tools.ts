import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

export interface McpTool {
  /** The tool's own name on the server. */
  name: string;
  /** As offered to the model: Open WebUI 0.12.4 prefixes the connection's id (middleware.py). */
  spec: { name: string; description: string; parameters: Record<string, unknown> };
  /** What the model is given, as Open WebUI turns the result into it, and whether the server said isError. */
  call(args: Record<string, unknown>): Promise<{ result: unknown; isError: boolean }>;
}

// One text item reaches the model as its JSON value (or the text); isError raises, which becomes {error} (utils/mcp/client.py).
function asOpenWebUISees(result: CallToolResult): { result: unknown; isError: boolean } {
  const texts = result.content.flatMap((item) => (item.type === "text" ? [item.text] : []));
  if (result.isError)
    return { result: { error: texts.join("\n") || "MCP tool call returned an error." }, isError: true };
  const values = texts.map((text) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  });
  return { result: values.length === 1 ? values[0] : { results: values }, isError: false };
}

/**
 * What Open WebUI 0.12.4 does for a `server:mcp:<id>` tool id at the start of a completion
 * (utils/tools.py connect_mcp_server): connect with the connection's headers, list the tools,
 * offer them under `<id>_<name>`. The caller closes the client when the completion ends.
 */
export async function openMcpTools(
  serverId: string,
  url: string,
  headers: Record<string, string>,
): Promise<{ tools: McpTool[]; close(): Promise<void> }> {
  const client = new Client({ name: "open-webui-stand-in", version: "0.12.4" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  const { tools } = await client.listTools();
  return {
    tools: tools.map((tool) => ({
      name: tool.name,
      spec: {
        name: `${serverId}_${tool.name}`.slice(0, 64),
        description: tool.description ?? "",
        parameters: tool.inputSchema,
      },
      call: async (args) =>
        asOpenWebUISees((await client.callTool({ name: tool.name, arguments: args })) as CallToolResult),
    })),
    close: () => client.close(),
  };
}
