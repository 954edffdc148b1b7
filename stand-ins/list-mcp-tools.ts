import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

/**
 * What Open WebUI 0.12.4's verify answers for an MCP connection (routers/configs.py): it connects
 * with the bearer key, lists the tools, and returns each as {name, description, parameters}.
 * Undefined when the server cannot be reached or refuses, as the real one then answers 400.
 */
export async function listMcpTools(
  url: string,
  key: string | undefined,
): Promise<{ status: true; specs: Array<{ name: string; description?: string; parameters: unknown }> } | undefined> {
  const client = new Client({ name: "open-webui-stand-in", version: "0.12.4" });
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
    const { tools } = await client.listTools();
    return {
      status: true,
      specs: tools.map((tool) => ({
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        parameters: tool.inputSchema,
      })),
    };
  } catch {
    return undefined;
  } finally {
    await client.close();
  }
}
