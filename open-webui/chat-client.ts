import { HttpError } from "../lib/http-error.ts";
import { TransientError } from "../lib/transient-error.ts";
import type { ModelErrorKind } from "../relay/relay-metrics.ts";
import type { ChatRecord } from "./read-chat.ts";

export type { ChatRecord } from "./read-chat.ts";
import { createOpenWebUIRequest, isTimeout } from "./open-webui-request.ts";
import { newRunChatBody, type NewRunChat } from "./new-run-chat.ts";

export type { NewRunChat } from "./new-run-chat.ts";

export interface OpenWebUIClientOptions {
  baseUrl: string;
  apiKey: string;
  /** For the completion, which blocks while the model and its tool calls run. */
  completionTimeoutMs: number;
  /** For everything else. */
  requestTimeoutMs: number;
  fetch?: typeof fetch;
  /** Told about each failed call, for the metrics. */
  onError?: (kind: ModelErrorKind) => void;
}

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
 * The parts of Open WebUI's API the relay uses. Tool calls are executed by
 * Open WebUI only on the streaming path with both `chat_id` and `id` set, so
 * the completion is always sent that way.
 */
export function createOpenWebUIClient(options: OpenWebUIClientOptions) {
  const onError = options.onError ?? (() => {});
  const request = createOpenWebUIRequest({ baseUrl: options.baseUrl, apiKey: options.apiKey, onFailure: onError, ...(options.fetch ? { fetch: options.fetch } : {}) });

  const call = async (path: string, init: { method: string; body?: unknown; timeoutMs: number }) => request.ok(await request.send(init.method, path, init), init.method, path);

  return {
    /** Creates the chat a run is recorded in, with the user message and an empty answer for Open WebUI to fill. */
    async createChat(chat: NewRunChat): Promise<ChatRecord> {
      const response = await call("/api/v1/chats/new", { method: "POST", timeoutMs: options.requestTimeoutMs, body: newRunChatBody(chat) });
      const record = (await response.json()) as ChatRecord | null;
      if (!record || typeof record.id !== "string") {
        onError("bad_response");
        throw new HttpError(502, "Open WebUI created a chat but returned no id.");
      }
      return record;
    },

    /** Runs the model, and the tool calls it makes, to the end. Resolves when Open WebUI is done. */
    async complete(request: CompletionRequest): Promise<void> {
      const response = await call("/api/chat/completions", {
        method: "POST",
        timeoutMs: options.completionTimeoutMs,
        body: {
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
        },
      });
      // Whether Open WebUI answers `null` or streams, the run is over only when the body ends.
      try {
        await response.arrayBuffer();
      } catch (error) {
        // The timeout covers the streamed body too, which can stop after the headers came.
        const timedOut = isTimeout(error);
        onError(timedOut ? "timeout" : "unreachable");
        throw new TransientError(timedOut ? `Open WebUI did not answer POST /api/chat/completions within ${options.completionTimeoutMs} ms` : "Open WebUI's answer to POST /api/chat/completions broke off", { cause: error });
      }
    },

    async getChat(chatId: string): Promise<ChatRecord> {
      const response = await call(`/api/v1/chats/${encodeURIComponent(chatId)}`, { method: "GET", timeoutMs: options.requestTimeoutMs });
      return (await response.json()) as ChatRecord;
    },
  };
}

export type OpenWebUIClient = ReturnType<typeof createOpenWebUIClient>;

