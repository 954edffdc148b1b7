import { HttpError } from "../lib/http-error.ts";
import type { CallContext, ToolDefinition, ToolDependencies } from "./tool-definition.ts";
import { validateInput } from "./validate-input.ts";

/**
 * One tool call, whichever door it came through: the arguments checked against the tool's input
 * schema (the call was logged when its caller was worked out), the handler run. Refusals are
 * HttpErrors the caller turns into its answer.
 */
export async function callTool(
  tool: ToolDefinition,
  args: unknown,
  call: CallContext,
  deps: ToolDependencies,
): Promise<unknown> {
  assertRuleAllows(tool, call);
  const input = validateInput(tool.input, args);
  if (!call.person) return tool.handler(input, call, deps);
  // A signed-in person's calls reach GitHub with their own token.
  try {
    return await tool.handler(input, call, { ...deps, github: call.person.github });
  } catch (error) {
    throw refusedPersonToken(error) ?? error;
  }
}

/**
 * A relay run calls only the tools its rule lists, whichever door the call came through; a run
 * recorded before rules reached the store (rule null), or a rule without `tools:`, keeps every tool.
 */
function assertRuleAllows(tool: ToolDefinition, call: CallContext): void {
  const allowed = call.run?.rule?.tools;
  if (!allowed || allowed.includes(tool.name)) return;
  const offered = allowed.length > 0 ? `only these tools: ${allowed.join(", ")}` : "no tools";
  throw new HttpError(
    403,
    `This automated run may use ${offered}. ${tool.name} is not one of them: do not call it again; carry on with the tools you have, or give your answer.`,
  );
}

/** GitHub refusing a person's own token is theirs to mend, not the administrator's (github/github-error.ts). */
function refusedPersonToken(error: unknown): HttpError | undefined {
  const cause = error instanceof HttpError ? (error.cause as { status?: unknown } | undefined) : undefined;
  if (cause?.status !== 401) return undefined;
  return new HttpError(
    401,
    "GitHub no longer accepts the user's sign-in for these tools (expired or revoked). Tell them to connect the GitHub tools again in Open WebUI, then retry.",
    { cause: error },
  );
}
