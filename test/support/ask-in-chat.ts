import { randomUUID } from "node:crypto";
import { openWebUIApi } from "../../stand-ins/open-webui-instance.ts";

/** A user's chat, the way Open WebUI's page sends it: chat first, then the completion with both ids. */
export async function askInChat<Chat extends { chat: { history: { messages: Record<string, unknown> } } }>(
  url: string,
  token: string,
  question: string,
  toolIds: string[],
) {
  const api = openWebUIApi(url);
  const userId = randomUUID();
  const answerId = randomUUID();
  const now = Math.floor(Date.now() / 1000);
  const user = {
    id: userId,
    parentId: null,
    childrenIds: [answerId],
    role: "user",
    content: question,
    timestamp: now,
    models: ["gpt-5"],
  };
  const answer = {
    id: answerId,
    parentId: userId,
    childrenIds: [],
    role: "assistant",
    content: "",
    model: "gpt-5",
    timestamp: now,
    done: false,
  };
  const chat = await api.request<{ id: string }>("POST", "/api/v1/chats/new", token, {
    chat: {
      title: "Question",
      models: ["gpt-5"],
      history: { currentId: answerId, messages: { [userId]: user, [answerId]: answer } },
      messages: [user, answer],
    },
  });
  const response = await api.request<unknown>("POST", "/api/chat/completions", token, {
    model: "gpt-5",
    stream: true,
    chat_id: chat.id,
    id: answerId,
    user_message: { id: userId },
    tool_ids: toolIds,
    messages: [{ role: "user", content: question }],
  });
  const record = await api.request<Chat>("GET", `/api/v1/chats/${chat.id}`, token);
  return {
    response,
    chatId: chat.id,
    message: record.chat.history.messages[answerId]! as Chat["chat"]["history"]["messages"][string],
  };
}
