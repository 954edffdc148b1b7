import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { startSse, writeSseData } from "./sse.ts";

/**
 * A stand-in for an OpenAI-compatible model server. It plays the model from a
 * script, and it refuses (400, and an entry in `errors`) the requests the real
 * API refuses, so a caller that builds a bad conversation fails here too.
 */

export type ToolCallSpec = { name: string; arguments: Record<string, unknown> | string; id?: string };
export type ModelTurn =
  { content: string } | { toolCalls: ToolCallSpec[]; content?: string } | { httpError: number; message?: string };

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content?: unknown;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  name?: string;
  [key: string]: unknown;
}

export interface ChatTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface ModelRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ChatTool[];
  stream?: boolean;
  raw: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export type ModelScript = (request: ModelRequest, callIndex: number) => ModelTurn | Promise<ModelTurn>;

export interface ScriptedModel {
  /** Base URL including "/v1", e.g. http://127.0.0.1:P/v1 */
  url: string;
  apiKey: string;
  /** Every chat completion request that passed validation, in order. */
  requests: ModelRequest[];
  /** Protocol violations seen; a test should usually end with `expect(model.errors).toEqual([])`. */
  errors: string[];
  setScript(script: ModelScript): void;
  close(): Promise<void>;
}

const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;
const roles = new Set(["system", "developer", "user", "assistant", "tool"]);

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = "invalid_request_error",
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export async function startScriptedModel(
  options: { apiKey?: string; models?: string[]; script?: ModelScript; delayMs?: number } = {},
): Promise<ScriptedModel> {
  const apiKey = options.apiKey ?? `sk-scripted-${randomBytes(8).toString("hex")}`;
  const models = options.models ?? ["gpt-5"];
  const created = Math.floor(Date.now() / 1000);
  const requests: ModelRequest[] = [];
  const errors: string[] = [];
  let script: ModelScript = options.script ?? (() => ({ content: "ok" }));
  let scriptCalls = 0;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      throw new ApiError(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
    }
    if (req.method === "GET" && path === "/v1/models") {
      sendJson(res, 200, {
        object: "list",
        data: models.map((id) => ({ id, object: "model", created, owned_by: "scripted" })),
      });
      return;
    }
    if (req.method === "POST" && path === "/v1/chat/completions") {
      const raw = await readJsonBody(req);
      const request = validateRequest(raw, models, req.headers);
      requests.push(request);
      const turn = await script(request, scriptCalls++);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      answer(res, request, turn);
      return;
    }
    throw new ApiError(404, `Unknown route ${req.method} ${path}`, "invalid_request_error", "unknown_url");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const apiError =
        error instanceof ApiError ? error : new ApiError(500, `scripted model: ${String(error)}`, "server_error");
      // A wrong key is the caller's configuration, not a protocol violation, but
      // it still fails the test loudly through `errors`.
      errors.push(`${req.method} ${req.url}: ${apiError.status} ${apiError.message}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, apiError.status, {
        error: { message: apiError.message, type: apiError.type, param: null, code: apiError.code },
      });
    });
  });

  function answer(res: ServerResponse, request: ModelRequest, turn: ModelTurn) {
    if ("httpError" in turn) {
      throw new ApiError(turn.httpError, turn.message ?? `scripted HTTP ${turn.httpError}`, "server_error");
    }
    const toolCalls = "toolCalls" in turn ? turn.toolCalls.map(toChatToolCall) : [];
    const offered = new Set((request.tools ?? []).map((t) => t.function.name));
    for (const call of toolCalls) {
      if (!offered.has(call.function.name)) {
        // A real model cannot call a tool it was not given; the script or the caller is wrong.
        throw new ApiError(
          500,
          `scripted model: script calls tool "${call.function.name}" but the request offered [${[...offered].join(", ")}]`,
          "server_error",
        );
      }
    }
    const content = turn.content ?? (toolCalls.length > 0 ? null : "");
    const finishReason = toolCalls.length > 0 ? "tool_calls" : "stop";
    const id = `chatcmpl-${randomBytes(12).toString("hex")}`;
    const now = Math.floor(Date.now() / 1000);
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

    if (!request.stream) {
      const message: Record<string, unknown> = { role: "assistant", content, refusal: null };
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      sendJson(res, 200, {
        id,
        object: "chat.completion",
        created: now,
        model: request.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
        usage,
      });
      return;
    }

    const streamOptions = request.raw.stream_options;
    const includeUsage =
      typeof streamOptions === "object" && streamOptions !== null && "include_usage" in streamOptions
        ? streamOptions.include_usage === true
        : false;
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      id,
      object: "chat.completion.chunk",
      created: now,
      model: request.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });

    startSse(res);
    writeSseData(res, chunk({ role: "assistant", content: "", refusal: null }));
    for (const piece of fragments(content ?? "", 3)) writeSseData(res, chunk({ content: piece }));
    toolCalls.forEach((call, index) => {
      writeSseData(
        res,
        chunk({
          tool_calls: [{ index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }],
        }),
      );
      for (const piece of fragments(call.function.arguments, 2)) {
        writeSseData(res, chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    });
    writeSseData(res, chunk({}, finishReason));
    if (includeUsage) {
      writeSseData(res, {
        id,
        object: "chat.completion.chunk",
        created: now,
        model: request.model,
        choices: [],
        usage,
      });
    }
    writeSseData(res, "[DONE]");
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    errors,
    setScript(next) {
      script = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function toChatToolCall(spec: ToolCallSpec): ChatToolCall {
  return {
    id: spec.id ?? `call_${randomBytes(12).toString("hex")}`,
    type: "function",
    function: {
      name: spec.name,
      arguments: typeof spec.arguments === "string" ? spec.arguments : JSON.stringify(spec.arguments),
    },
  };
}

/** Splits text into `count` or more pieces so clients must join fragments; empty text gives none. */
function fragments(text: string, count: number): string[] {
  if (text === "") return [];
  const size = Math.max(1, Math.floor(text.length / count));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "We could not parse the JSON body of your request.");
  }
  if (!isObject(body)) throw new ApiError(400, "The request body must be a JSON object.");
  return body;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function validateRequest(raw: Record<string, unknown>, models: string[], headers: IncomingHttpHeaders): ModelRequest {
  const { model, messages, tools, stream } = raw;
  if (typeof model !== "string") throw new ApiError(400, "you must provide a model parameter");
  if (!models.includes(model)) {
    throw new ApiError(
      404,
      `The model \`${model}\` does not exist or you do not have access to it.`,
      "invalid_request_error",
      "model_not_found",
    );
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new ApiError(400, "Invalid 'messages': expected a non-empty array.");
  }
  validateMessages(messages);
  if (tools !== undefined) validateTools(tools);
  if (stream !== undefined && typeof stream !== "boolean")
    throw new ApiError(400, "Invalid 'stream': expected a boolean.");
  return {
    model,
    messages: messages as ChatMessage[],
    ...(tools !== undefined ? { tools: tools as ChatTool[] } : {}),
    ...(stream !== undefined ? { stream } : {}),
    raw,
    headers,
  };
}

function validateMessages(messages: unknown[]) {
  // Ids of the latest assistant tool_calls still waiting for their tool message.
  let pending = new Set<string>();
  messages.forEach((message, i) => {
    if (!isObject(message) || typeof message.role !== "string" || !roles.has(message.role)) {
      throw new ApiError(400, `Invalid value for 'messages[${i}].role': expected one of ${[...roles].join(", ")}.`);
    }
    if (message.role === "tool") {
      const id = message.tool_call_id;
      if (typeof id !== "string" || !pending.has(id)) {
        throw new ApiError(
          400,
          `Invalid parameter: messages[${i}] with role 'tool' must be a response to a preceding message with 'tool_calls' (tool_call_id ${JSON.stringify(id)} matches none).`,
        );
      }
      if (typeof message.content !== "string" && !Array.isArray(message.content)) {
        throw new ApiError(400, `Invalid 'messages[${i}].content': a tool message needs content.`);
      }
      pending.delete(id);
      return;
    }
    if (pending.size > 0) {
      throw new ApiError(
        400,
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(", ")}`,
      );
    }
    if (message.role === "assistant" && message.tool_calls !== undefined) {
      pending = assistantToolCallIds(message.tool_calls, i);
    }
  });
  if (pending.size > 0) {
    throw new ApiError(
      400,
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(", ")}`,
    );
  }
}

function assistantToolCallIds(toolCalls: unknown, i: number): Set<string> {
  if (!Array.isArray(toolCalls)) throw new ApiError(400, `Invalid 'messages[${i}].tool_calls': expected an array.`);
  const ids = new Set<string>();
  toolCalls.forEach((call, j) => {
    const where = `messages[${i}].tool_calls[${j}]`;
    if (!isObject(call) || typeof call.id !== "string" || call.id === "") {
      throw new ApiError(400, `Missing required parameter: '${where}.id'.`);
    }
    if (call.type !== "function") throw new ApiError(400, `Invalid value for '${where}.type': expected 'function'.`);
    const fn = call.function;
    if (!isObject(fn) || typeof fn.name !== "string" || typeof fn.arguments !== "string") {
      throw new ApiError(400, `Invalid '${where}.function': expected {name: string, arguments: string}.`);
    }
    ids.add(call.id);
  });
  return ids;
}

function validateTools(tools: unknown) {
  if (!Array.isArray(tools)) throw new ApiError(400, "Invalid 'tools': expected an array.");
  if (tools.length === 0) {
    throw new ApiError(
      400,
      "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
    );
  }
  tools.forEach((tool, i) => {
    if (!isObject(tool) || tool.type !== "function") {
      throw new ApiError(400, `Invalid value for 'tools[${i}].type': expected 'function'.`);
    }
    const fn = tool.function;
    if (!isObject(fn) || typeof fn.name !== "string" || !toolNamePattern.test(fn.name)) {
      throw new ApiError(
        400,
        `Invalid 'tools[${i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' of at most 64 characters.`,
      );
    }
    if (fn.parameters !== undefined && !isObject(fn.parameters)) {
      throw new ApiError(400, `Invalid 'tools[${i}].function.parameters': expected an object.`);
    }
    if (fn.description !== undefined && typeof fn.description !== "string") {
      throw new ApiError(400, `Invalid 'tools[${i}].function.description': expected a string.`);
    }
  });
}
