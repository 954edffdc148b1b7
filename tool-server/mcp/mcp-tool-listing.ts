import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { jsonSchemaOf } from "../openapi/json-schema-of.ts";
import type { ToolDefinition } from "../tool-definition.ts";

/**
 * The registry as MCP's tools/list shows it: the same names, descriptions and JSON Schemas as the
 * OpenAPI document, so a model sees the same tools whichever connection Open WebUI uses.
 */
export function mcpToolListing(tools: readonly ToolDefinition[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    title: tool.summary,
    description: tool.description,
    inputSchema: jsonSchemaOf(tool.input, "input") as Tool["inputSchema"],
    outputSchema: jsonSchemaOf(tool.output, "output") as Tool["outputSchema"],
  }));
}
