// What the relay reads back from a run's chat, as Open WebUI stores it.

interface ChatMessage {
  id?: string;
  role?: string;
  content?: unknown;
  error?: { content?: unknown } | null;
  /** Open WebUI 0.12: the tool calls (`function_call`) and their results (`function_call_output`, status "failed" on an error). */
  output?: unknown;
}

export interface ChatRecord {
  id: string;
  /** The account the chat belongs to: for a run's chat, the relay's own (its API key's user). */
  user_id?: string;
  title?: string;
  chat?: { history?: { messages?: Record<string, ChatMessage>; currentId?: string | null }; messages?: ChatMessage[] };
}

function findMessage(chat: ChatRecord, messageId: string): ChatMessage | undefined {
  return chat.chat?.history?.messages?.[messageId] ?? chat.chat?.messages?.find((m) => m.id === messageId);
}

/**
 * The model's final words in a chat message. Open WebUI 0.12 keeps tool calls in
 * `output` and the text in `content`; before 0.10 tool calls were `<details>`
 * blocks inside `content`, which are removed here.
 */
export function finalAnswer(chat: ChatRecord, messageId: string): string {
  const content = findMessage(chat, messageId)?.content;
  return (typeof content === "string" ? content : "").replace(/<details\b[^>]*>[\s\S]*?<\/details>/g, "").trim();
}

/** The names of the tools whose calls Open WebUI recorded as failed in a chat message. */
export function failedToolCalls(chat: ChatRecord, messageId: string): string[] {
  const output = findMessage(chat, messageId)?.output;
  if (!Array.isArray(output)) return [];
  const items = output.filter((i): i is Record<string, unknown> => typeof i === "object" && i !== null);
  const names = new Map(
    items
      .filter((i) => i.type === "function_call")
      .map((i) => [i.call_id, typeof i.name === "string" ? i.name : "unknown"]),
  );
  return items
    .filter((i) => i.type === "function_call_output" && i.status === "failed")
    .map((i) => names.get(i.call_id) ?? "unknown");
}

/** The error Open WebUI wrote on the message, if the run failed inside it (e.g. the model was unreachable). */
export function messageError(chat: ChatRecord, messageId: string): string | null {
  const error = findMessage(chat, messageId)?.error?.content;
  return typeof error === "string" && error.trim() ? error.trim().slice(0, 500) : null;
}
