import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import express, { type Express, type Request, type RequestHandler, type Response } from "express";
import type { CallContext } from "../tool-definition.ts";
import type { ToolDefinition, ToolDependencies } from "../tool-definition.ts";
import type { ToolServerMetrics } from "../tool-server-metrics.ts";
import { createMcpServer } from "./create-mcp-server.ts";
import { mcpToolListing } from "./mcp-tool-listing.ts";
import { runToolListing } from "./run-tool-listing.ts";
import { chatIdHeader } from "../auth/create-call-context.ts";
import { headerValue } from "../auth/identify-caller.ts";

export interface McpEndpointOptions {
  tools: readonly ToolDefinition[];
  deps: ToolDependencies;
  /** The same bearer check as the OpenAPI routes (the tool key, or a person's OAuth token). */
  auth: RequestHandler;
  /** Who a call comes from, worked out as for the OpenAPI routes (tool-server/auth/create-call-context.ts). */
  callContext: (tool: string, req: Request, res: Response) => Promise<CallContext>;
  version: string;
  metrics?: ToolServerMetrics | undefined;
}

/**
 * `POST /mcp`: MCP's streamable HTTP transport, stateless. Every request gets its own server and
 * transport, so a call's chat id and user come from its own headers (Open WebUI sends the
 * connection's header templates on each request) and any instance behind a balancer can answer.
 */
export function mountMcpEndpoint(app: Express, options: McpEndpointOptions) {
  const listing = mcpToolListing(options.tools);
  const json = express.json({ limit: "256kb" });
  app.post("/mcp", options.auth, json, async (req, res) => {
    const server = createMcpServer({
      ...options,
      // A person signed in with GitHub is never a run: their chat lists every tool.
      listing: () =>
        res.locals.person
          ? Promise.resolve(listing)
          : runToolListing(listing, options.deps.runs, headerValue(req.get(chatIdHeader))),
      callContext: (tool) => options.callContext(tool, req, res),
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  // Stateless: no stream to open with GET and no session to end with DELETE.
  const notAllowed: RequestHandler = (_req, res) => {
    res
      .status(405)
      .set("allow", "POST")
      .json({
        jsonrpc: "2.0",
        error: { code: -32000, message: "Method not allowed: POST JSON-RPC messages to /mcp." },
        id: null,
      });
  };
  app.get("/mcp", options.auth, notAllowed);
  app.delete("/mcp", options.auth, notAllowed);
}
