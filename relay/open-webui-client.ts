import { HttpError } from "../lib/http-error.ts";
import { TransientError } from "../lib/transient-error.ts";
import type { ModelErrorKind } from "./relay-metrics.ts";

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

export interface NewRunChat {
  title: string;
  model: string;
  userMessageId: string;
  assistantMessageId: string;
  userMessage: string;
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
  title?: string;
  chat?: { history?: { messages?: Record<string, ChatMessage>; currentId?: string | null }; messages?: ChatMessage[] };
}

async function readDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as { detail?: unknown; error?: { message?: unknown } | string };
    if (typeof parsed.detail === "string") return parsed.detail;
    if (typeof parsed.error === "string") return parsed.error;
    if (typeof parsed.error?.message === "string") return parsed.error.message;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text.slice(0, 300) || response.statusText;
}

/**
 * The parts of Open WebUI's API the relay uses. Tool calls are executed by
 * Open WebUI only on the streaming path with both `chat_id` and `id` set, so
 * the completion is always sent that way.
 */
export function createOpenWebUIClient(options: OpenWebUIClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const onError = options.onError ?? (() => {});

  async function call(path: string, init: { method: string; body?: unknown; timeoutMs: number }): Promise<Response> {
    let response: Response;
    try {
      response = await doFetch(options.baseUrl + path, {
        method: init.method,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          accept: "application/json",
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(init.timeoutMs),
        redirect: "manual",
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      onError(timedOut ? "timeout" : "unreachable");
      throw new TransientError(timedOut ? `Open WebUI did not answer ${init.method} ${path} within ${init.timeoutMs} ms` : `Open WebUI could not be reached at ${options.baseUrl}`, { cause: error });
    }
    if (!response.ok) {
      const detail = await readDetail(response);
      const hint = response.status === 401 || response.status === 403 ? " (check OPENWEBUI_API_KEY, and that API keys are enabled in Open WebUI)" : "";
      const retryAfter = Number(response.headers.get("retry-after"));
      onError(response.status === 401 || response.status === 403 ? "refused" : response.status === 429 ? "rate_limited" : response.status >= 500 ? "server_error" : "client_error");
      const message = `Open WebUI answered ${response.status} to ${init.method} ${path}: ${detail}${hint}`;
      // Its own outages and its model provider's (which it passes on) may pass; a refused request will not.
      if (response.status >= 500 || response.status === 429) throw new TransientError(message, Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {});
      throw new HttpError(502, message);
    }
    return response;
  }

  return {
    /** Creates the chat a run is recorded in, with the user message and an empty answer for Open WebUI to fill. */
    async createChat(chat: NewRunChat): Promise<ChatRecord> {
      const timestamp = Math.floor(Date.now() / 1000);
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
      const response = await call("/api/v1/chats/new", {
        method: "POST",
        timeoutMs: options.requestTimeoutMs,
        body: {
          chat: {
            title: chat.title,
            models: [chat.model],
            params: {},
            history: { messages: { [user.id]: user, [assistant.id]: assistant }, currentId: assistant.id },
            messages: [user, assistant],
            tags: [],
            timestamp: Date.now(),
          },
        },
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
        const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
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
  const names = new Map(items.filter((i) => i.type === "function_call").map((i) => [i.call_id, typeof i.name === "string" ? i.name : "unknown"]));
  return items.filter((i) => i.type === "function_call_output" && i.status === "failed").map((i) => names.get(i.call_id) ?? "unknown");
}

/** The error Open WebUI wrote on the message, if the run failed inside it (e.g. the model was unreachable). */
export function messageError(chat: ChatRecord, messageId: string): string | null {
  const error = findMessage(chat, messageId)?.error?.content;
  return typeof error === "string" && error.trim() ? error.trim().slice(0, 500) : null;
}
