import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { callTool } from "../call-tool.ts";
import type { CallContext, ToolDefinition, ToolDependencies } from "../tool-definition.ts";
import type { ToolServerMetrics } from "../tool-server-metrics.ts";
import { mcpFailure, mcpSuccess } from "./mcp-tool-result.ts";

export interface McpServerOptions {
  tools: readonly ToolDefinition[];
  /** tools/list's answer: the registry's listing (mcpToolListing), narrowed to a relay run's rule tools. */
  listing: () => Promise<Tool[]>;
  deps: ToolDependencies;
  version: string;
  /** Who is calling; read only when a tool is called, since listing needs no run lookup. */
  callContext: (tool: string) => Promise<CallContext>;
  metrics?: ToolServerMetrics | undefined;
}

/**
 * An MCP server over the tool registry, through the SDK's low-level API: the registry's schemas
 * are zod 4 and already turned into JSON Schema for OpenAPI, so MCP publishes the very same ones,
 * and the arguments go through the same validation and handler as an OpenAPI call.
 */
export function createMcpServer(options: McpServerOptions): Server {
  const server = new Server({ name: "openwebui-github", version: options.version }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await options.listing() }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = options.tools.find((t) => t.name === request.params.name);
    if (!tool) {
      const names = options.tools.map((t) => t.name).join(", ");
      throw new McpError(ErrorCode.InvalidParams, `No such tool: ${request.params.name}. The tools are ${names}.`);
    }
    return runCounted(options, tool, request.params.arguments ?? {});
  });
  return server;
}

async function runCounted(options: McpServerOptions, tool: ToolDefinition, args: unknown): Promise<CallToolResult> {
  const started = process.hrtime.bigint();
  let status = 200;
  try {
    const call = await options.callContext(tool.name);
    return mcpSuccess(await callTool(tool, args, call, options.deps));
  } catch (error) {
    const failure = mcpFailure(error, options.deps.logger, { tool: tool.name, path: "/mcp" });
    status = failure.status;
    return failure.result;
  } finally {
    // The same counters as the OpenAPI routes, with the status that route would have answered.
    options.metrics?.toolCall(tool.name, status, Number(process.hrtime.bigint() - started) / 1e9);
  }
}
