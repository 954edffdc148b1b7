// What differs, for this project, between the Open WebUI releases it supports (open-webui-version.ts),
// read in each release's own source; docs/open-webui-versions.md lists what was compared and found equal.

/** A stored chat message, as far as the relay reads it. */
export interface StoredMessage {
  content?: unknown;
  /** The tool calls (`function_call`), their results (`function_call_output`) and the text (`message` items). */
  output?: unknown;
}

type Item = Record<string, unknown>;

function items(output: unknown): Item[] {
  return Array.isArray(output) ? output.filter((i): i is Item => typeof i === "object" && i !== null) : [];
}

/** The text parts of an output item (`output_text` of a message, `input_text` of a tool result), joined. */
function itemText(item: Item): string {
  const parts = Array.isArray(item.content) ? item.content : Array.isArray(item.output) ? item.output : [];
  return parts
    .map((part: unknown) => (typeof part === "object" && part !== null ? (part as Item).text : undefined))
    .filter((text): text is string => typeof text === "string")
    .join("");
}

/**
 * The text of an assistant message. Open WebUI 0.10.2 saves a finished answer as `output` only and
 * leaves `content` as the chat had it (empty for a run's prepared answer): its
 * `Chats.upsert_message_to_chat_by_id_and_message_id` (models/chats.py) merges the update as given.
 * In 0.12.4 the same function fills an empty `content` from the output's message items
 * (`get_output_text`, utils/misc.py), and 0.11.4 was measured to do the same. Here both read alike:
 * `content` when there is one, else the output's message texts joined by newlines, as 0.12.4 does.
 */
export function messageText(message: StoredMessage | undefined): string {
  if (typeof message?.content === "string" && message.content.trim()) return message.content;
  return items(message?.output)
    .filter((item) => item.type === "message")
    .map(itemText)
    .filter((text) => text.trim())
    .join("\n");
}

/**
 * Whether a tool call's result (`function_call_output`) is a failure. Open WebUI 0.12.4 marks it
 * `status: "failed"` when the result it gave the model reads as an error (`_is_tool_result_error`,
 * utils/middleware.py); 0.10.2 marks every result "completed". A tool server's HTTP error reaches the
 * model as `{"error": "HTTP error <status>: ..."}` in both (`execute_tool_server`, utils/tools.py), so
 * that text is what tells a failure on 0.10.2.
 */
export function isFailedToolResult(item: Item): boolean {
  if (item.status === "failed") return true;
  try {
    const parsed = JSON.parse(itemText(item)) as unknown;
    const error = typeof parsed === "object" && parsed !== null ? (parsed as Item).error : undefined;
    return typeof error === "string" ? error.trim() !== "" : typeof error === "object" && error !== null;
  } catch {
    return false;
  }
}

/** The names of the tools whose calls failed in a message's output. */
export function failedToolNames(message: StoredMessage | undefined): string[] {
  const all = items(message?.output);
  const names = new Map(
    all
      .filter((i) => i.type === "function_call")
      .map((i) => [i.call_id, typeof i.name === "string" ? i.name : "unknown"]),
  );
  return all
    .filter((i) => i.type === "function_call_output" && isFailedToolResult(i))
    .map((i) => names.get(i.call_id) ?? "unknown");
}
