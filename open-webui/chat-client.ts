import { HttpError } from "../lib/http-error.ts";
import { TransientError } from "../lib/transient-error.ts";
import type { ModelErrorKind } from "./open-webui-request.ts";
import type { ChatRecord } from "./read-chat.ts";

export type { ChatRecord } from "./read-chat.ts";
import { createOpenWebUIRequest, isTimeout, type OpenWebUIRequest } from "./open-webui-request.ts";
import { newRunChatBody, type NewRunChat } from "./new-run-chat.ts";
import { completionBody, type CompletionRequest } from "./completion-body.ts";

export type { NewRunChat } from "./new-run-chat.ts";
export type { CompletionRequest } from "./completion-body.ts";

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

async function deleteChat(request: OpenWebUIRequest, chatId: string, timeoutMs: number): Promise<boolean> {
  const path = `/api/v1/chats/${encodeURIComponent(chatId)}`;
  const response = await request.send("DELETE", path, { timeoutMs });
  if (response.status === 404) {
    await response.body?.cancel();
    return false;
  }
  await request.ok(response, "DELETE", path);
  return (await response.json()) === true;
}

/**
 * The parts of Open WebUI's API the relay uses: a chat for each run, the
 * completion that runs the model and its tool calls in it, and the chat read back.
 */
export function createOpenWebUIClient(options: OpenWebUIClientOptions) {
  const onError = options.onError ?? (() => {});
  const request = createOpenWebUIRequest({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    onFailure: onError,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  const call = async (path: string, init: { method: string; body?: unknown; timeoutMs: number }) =>
    request.ok(await request.send(init.method, path, init), init.method, path);

  return {
    /** Creates the chat a run is recorded in, with the user message and an empty answer for Open WebUI to fill. */
    async createChat(chat: NewRunChat): Promise<ChatRecord> {
      const response = await call("/api/v1/chats/new", {
        method: "POST",
        timeoutMs: options.requestTimeoutMs,
        body: newRunChatBody(chat),
      });
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
        body: completionBody(request),
      });
      // Whether Open WebUI answers `null` or streams, the run is over only when the body ends.
      try {
        await response.arrayBuffer();
      } catch (error) {
        // The timeout covers the streamed body too, which can stop after the headers came.
        const timedOut = isTimeout(error);
        onError(timedOut ? "timeout" : "unreachable");
        throw new TransientError(
          timedOut
            ? `Open WebUI did not answer POST /api/chat/completions within ${options.completionTimeoutMs} ms`
            : "Open WebUI's answer to POST /api/chat/completions broke off",
          { cause: error },
        );
      }
    },

    async getChat(chatId: string): Promise<ChatRecord> {
      const response = await call(`/api/v1/chats/${encodeURIComponent(chatId)}`, {
        method: "GET",
        timeoutMs: options.requestTimeoutMs,
      });
      return (await response.json()) as ChatRecord;
    },

    /** Deletes a run's chat (retention); false when Open WebUI no longer has it (someone deleted it by hand). */
    deleteChat: (chatId: string) => deleteChat(request, chatId, options.requestTimeoutMs),
  };
}

export type OpenWebUIClient = ReturnType<typeof createOpenWebUIClient>;
