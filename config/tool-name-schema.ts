import { z } from "zod";
import { toolRegistry } from "../tool-server/tool-registry.ts";

/** The tools a rule may list: the registry's, so the config and the server cannot disagree. */
export const toolNames = toolRegistry.map((tool) => tool.name) as [string, ...string[]];

/** A rule's tool: one the tool server has, so a typo stops the config instead of silently offering nothing. */
export const toolName = z.enum(toolNames, {
  error: (issue) => `"${String(issue.input)}" is not a tool; use one of ${toolNames.join(", ")}`,
});
