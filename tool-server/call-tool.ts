import type { CallContext, ToolDefinition, ToolDependencies } from "./tool-definition.ts";
import { validateInput } from "./validate-input.ts";

/**
 * One tool call, whichever door it came through: the arguments checked against the tool's input
 * schema, the call logged, the handler run. Refusals are HttpErrors the caller turns into its answer.
 */
export async function callTool(
  tool: ToolDefinition,
  args: unknown,
  call: CallContext,
  deps: ToolDependencies,
): Promise<unknown> {
  const input = validateInput(tool.input, args);
  // A relay run's calls carry its delivery id, so the delivery's lines read in one search; the tool reuses the lookup.
  deps.logger.info("tool call", {
    tool: tool.name,
    deliveryId: call.run?.deliveryId,
    chatId: call.chatId,
    user: call.userName,
    login: call.person?.login,
  });
  // A signed-in person's calls reach GitHub with their own token.
  return tool.handler(input, call, call.person ? { ...deps, github: call.person.github } : deps);
}
