export interface NewRunChat {
  title: string;
  model: string;
  userMessageId: string;
  assistantMessageId: string;
  userMessage: string;
}

/**
 * The body of POST /api/v1/chats/new for a run: the user message and an empty
 * answer after it, which the completion (sent with the answer's id) fills in.
 */
export function newRunChatBody(chat: NewRunChat, now = Date.now()) {
  const timestamp = Math.floor(now / 1000);
  const user = {
    id: chat.userMessageId,
    parentId: null,
    childrenIds: [chat.assistantMessageId],
    role: "user",
    content: chat.userMessage,
    timestamp,
    models: [chat.model],
  };
  const assistant = {
    id: chat.assistantMessageId,
    parentId: chat.userMessageId,
    childrenIds: [],
    role: "assistant",
    content: "",
    model: chat.model,
    modelName: chat.model,
    modelIdx: 0,
    timestamp,
    done: false,
  };
  return {
    chat: {
      title: chat.title,
      models: [chat.model],
      params: {},
      history: { messages: { [user.id]: user, [assistant.id]: assistant }, currentId: assistant.id },
      messages: [user, assistant],
      tags: [],
      timestamp: now,
    },
  };
}
