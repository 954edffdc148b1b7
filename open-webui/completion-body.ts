export interface CompletionRequest {
  model: string;
  system: string;
  userMessage: string;
  chatId: string;
  userMessageId: string;
  assistantMessageId: string;
  toolIds: string[];
}

/**
 * The body of POST /api/chat/completions for a run. Open WebUI executes tool
 * calls only on the streaming path with both `chat_id` and `id` set, so the
 * completion is always sent that way.
 */
export function completionBody(request: CompletionRequest) {
  return {
    model: request.model,
    messages: [
      { role: "system", content: request.system },
      { role: "user", content: request.userMessage },
    ],
    stream: true,
    chat_id: request.chatId,
    id: request.assistantMessageId,
    // Names the user message already in the chat: without it, Open WebUI 0.12 resets the
    // prepared answer's parentId and the chat page no longer shows the question above it.
    user_message: { id: request.userMessageId },
    tool_ids: request.toolIds,
    params: { function_calling: "native" },
  };
}
