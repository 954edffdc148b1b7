import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { genericDetail, knownErrorAnswer } from "../../lib/error-middleware.ts";
import type { LogFields, Logger } from "../../lib/logger.ts";

/** A tool's answer: JSON text for clients that read text, the same object as structured content. */
export function mcpSuccess(value: unknown): CallToolResult {
  return {
    content: [{ type: "text", text: JSON.stringify(value) }],
    structuredContent: value as Record<string, unknown>,
  };
}

/**
 * A refusal or failure as a tool result the model reads (isError), not a protocol error: the same
 * detail the OpenAPI route answers. Unknown errors are logged and leak nothing, as there.
 */
export function mcpFailure(
  error: unknown,
  logger: Logger,
  fields: LogFields,
): { result: CallToolResult; status: number } {
  let answer = knownErrorAnswer(error);
  if (!answer) {
    logger.error("unhandled error", { ...fields, error });
    answer = { status: 500, detail: genericDetail };
  }
  return { result: { content: [{ type: "text", text: answer.detail }], isError: true }, status: answer.status };
}
