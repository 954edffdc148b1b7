// What the relay reads back from a run's chat, as Open WebUI stores it.
import { failedToolNames, messageText, type StoredMessage } from "./version-compat.ts";

interface ChatMessage extends StoredMessage {
  id?: string;
  role?: string;
  error?: { content?: unknown } | null;
}

export interface ChatRecord {
  id: string;
  title?: string;
  chat?: { history?: { messages?: Record<string, ChatMessage>; currentId?: string | null }; messages?: ChatMessage[] };
}

function findMessage(chat: ChatRecord, messageId: string): ChatMessage | undefined {
  return chat.chat?.history?.messages?.[messageId] ?? chat.chat?.messages?.find((m) => m.id === messageId);
}

/**
 * The model's final words in a chat message (where each supported release keeps them: version-compat.ts).
 * Before 0.10 tool calls were `<details>` blocks inside `content`, which are removed here.
 */
export function finalAnswer(chat: ChatRecord, messageId: string): string {
  return messageText(findMessage(chat, messageId))
    .replace(/<details\b[^>]*>[\s\S]*?<\/details>/g, "")
    .trim();
}

/** The names of the tools whose calls Open WebUI recorded as failed in a chat message. */
export function failedToolCalls(chat: ChatRecord, messageId: string): string[] {
  return failedToolNames(findMessage(chat, messageId));
}

/** The error Open WebUI wrote on the message, if the run failed inside it (e.g. the model was unreachable). */
export function messageError(chat: ChatRecord, messageId: string): string | null {
  const error = findMessage(chat, messageId)?.error?.content;
  return typeof error === "string" && error.trim() ? error.trim().slice(0, 500) : null;
}
