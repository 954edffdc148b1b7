import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { ToolDefinition } from "../../tool-server/tool-definition.ts";

/**
 * Parses a tool's successful answer with the tool's output schema, so the document Open WebUI
 * reads cannot drift from what the handler returns. Throws on a wrong type, a missing field, or a
 * field the schema does not list (at any depth: a non-strict object would drop it silently).
 */
export function parseToolOutput<O extends z.ZodObject>(
  tool: ToolDefinition<z.ZodObject, O>,
  answer: unknown,
): z.output<O> {
  const result = tool.output.safeParse(answer);
  if (!result.success)
    throw new Error(`${tool.name} answered outside its output schema:\n${z.prettifyError(result.error)}`);
  if (!isDeepStrictEqual(result.data, answer)) {
    throw new Error(
      `${tool.name} answered fields its output schema does not list: ${JSON.stringify(answer)} (the schema keeps ${JSON.stringify(result.data)})`,
    );
  }
  return result.data;
}
