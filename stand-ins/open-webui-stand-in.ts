import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes, randomUUID } from "node:crypto";
import { listMcpTools } from "./list-mcp-tools.ts";
import { openMcpTools, type McpTool } from "./open-mcp-tools.ts";
import { readSseData } from "./sse.ts";

/**
 * A stand-in for the parts of Open WebUI this project uses, for the fast suite.
 * It follows /work/shared/notes/open-webui-contract.md and, where that page is
 * silent or older, /work/shared-research-openwebui.md (read from the 0.12.4
 * backend). Where the two differ, the choice is written next to the code.
 * Anything the real one would refuse is refused here too and noted in `errors`.
 * The real-instance tests remain the final word.
 */

export interface ToolServerConnection {
  type?: "openapi" | "mcp";
  url: string;
  path?: string;
  spec_type?: "url";
  spec?: string;
  auth_type?: "bearer" | "none";
  key?: string;
  headers?: Record<string, string>;
  config?: { enable?: boolean; access_grants?: unknown[] };
  info: { id: string; name?: string; description?: string };
}

export interface ExecutedToolCall {
  toolServerId: string;
  name: string;
  method: string;
  url: string;
  /** The headers sent, keys lower-cased. */
  headers: Record<string, string>;
  body: unknown;
  /** HTTP status of the tool server, 0 when it could not be reached (200 for an MCP call that got an answer). */
  status: number;
  /** An MCP call whose result said isError (a refusal, over MCP). */
  isError?: boolean;
  /** What the model was given (after Open WebUI's wrapping), before JSON-encoding. */
  result: unknown;
  chatId: string | null;
  messageId: string | null;
}

/** Items of `message.output` (OpenAI Responses style), as 0.12.4 stores them. */
export type OutputItem =
  | {
      type: "message";
      id: string;
      status: "completed";
      role: "assistant";
      content: Array<{ type: "output_text"; text: string }>;
    }
  | {
      type: "function_call";
      id: string;
      call_id: string;
      name: string;
      arguments: string;
      status: "completed" | "failed";
    }
  | {
      type: "function_call_output";
      id: string;
      call_id: string;
      output: Array<{ type: "input_text"; text: string }>;
      status: "completed" | "failed";
    };

export interface HistoryMessage {
  id: string;
  parentId?: string | null;
  childrenIds?: string[];
  role?: string;
  content?: unknown;
  output?: OutputItem[];
  done?: boolean;
  error?: { content: string };
  [key: string]: unknown;
}

export interface ChatJson {
  title?: string;
  history?: { currentId?: string | null; messages: Record<string, HistoryMessage> };
  messages?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/** `ChatResponse` of Open WebUI 0.12.4 (research file §1). */
export interface StoredChat {
  id: string;
  user_id: string;
  title: string;
  chat: ChatJson;
  updated_at: number;
  created_at: number;
  share_id: string | null;
  archived: boolean;
  pinned: boolean;
  meta: Record<string, unknown>;
  variables: Record<string, unknown>;
  folder_id: string | null;
  tasks: unknown[] | null;
  summary: string | null;
  current_message_id: string | null;
  context_usage: Record<string, unknown> | null;
}

export interface OpenWebUIStandIn {
  url: string;
  apiKey: string;
  user: { id: string; name: string; email: string; role: string };
  chats: Map<string, StoredChat>;
  toolCalls: ExecutedToolCall[];
  completionRequests: Array<Record<string, unknown>>;
  /** Resolves once every completion asked for so far has ended (its tool calls made), answered or not. */
  completionsSettled(): Promise<void>;
  errors: string[];
  setToolServers(connections: ToolServerConnection[]): Promise<void>;
  close(): Promise<void>;
}

interface LoadedTool {
  serverId: string;
  connection: ToolServerConnection;
  name: string;
  method: string;
  path: string;
  pathParams: Set<string>;
  queryParams: Set<string>;
  spec: { name: string; description: string; parameters: JsonObject };
  /** Set for a tool of an MCP connection (`server:mcp:<id>`): called through the MCP client, not fetch. */
  mcp?: McpTool;
}

interface UpstreamTurn {
  content: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
}

type JsonObject = Record<string, unknown>;

/** The chat turn a synchronous completion writes into. */
interface TurnContext {
  chat: StoredChat | undefined;
  chatId: string;
  messageId: string;
  userMessageId: string | null;
  userMessage: JsonObject | null;
}

const NOT_FOUND = "We could not find what you're looking for :/";
const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;
const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const bodyMethods = new Set(["post", "put", "patch", "delete"]);
// Keys Open WebUI consumes itself; everything else in the body goes upstream.
const openWebUIKeys = [
  "chat_id",
  "id",
  "session_id",
  "message_ids",
  "user_message",
  "parent_message",
  "parent_id",
  "assistant_message_id",
  "regeneration_message_id",
  "tool_ids",
  "tool_servers",
  "skill_ids",
  "terminal_id",
  "files",
  "features",
  "variables",
  "chat_variables",
  "folder_id",
  "filter_ids",
  "background_tasks",
  "model_item",
  "params",
  "metadata",
];
// `params` entries Open WebUI turns into top-level upstream options.
const upstreamParams = [
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "frequency_penalty",
  "presence_penalty",
  "seed",
  "stop",
  "reasoning_effort",
  "logit_bias",
  "response_format",
];

class StandInHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === "object" && body !== null && "detail" in body ? String(body.detail) : `HTTP ${status}`);
  }
}

export async function startOpenWebUIStandIn(options: {
  modelUrl: string;
  modelApiKey: string;
  apiKey?: string;
  toolServers?: ToolServerConnection[];
  maxToolCallIterations?: number;
  /**
   * What GET /api/version reports (default 0.12.4). Below 0.11 it also stores chats as 0.10.2 does
   * (open-webui/version-compat.ts): the answer only in `output`, and every tool result "completed".
   */
  version?: string;
}): Promise<OpenWebUIStandIn> {
  const apiKey = options.apiKey ?? `sk-owui-${randomBytes(12).toString("hex")}`;
  const modelUrl = options.modelUrl.replace(/\/+$/, "");
  const maxIterations = options.maxToolCallIterations ?? 8;
  const version = options.version ?? "0.12.4";
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const before011 = major === 0 && minor < 11;
  const user = { id: randomUUID(), name: "Stand-in Admin", email: "admin@stand-in.test", role: "admin" };
  const chats = new Map<string, StoredChat>();
  const toolCalls: ExecutedToolCall[] = [];
  const completionRequests: JsonObject[] = [];
  const errors: string[] = [];
  let connections: ToolServerConnection[] = [];
  // Specs are cached like the real one: read on start and when the config is saved, never per call.
  let toolServers = new Map<string, LoadedTool[]>();

  async function setToolServers(next: ToolServerConnection[]) {
    connections = structuredClone(next);
    const loaded = new Map<string, LoadedTool[]>();
    for (const [index, connection] of connections.entries()) {
      if ((connection.type ?? "openapi") !== "openapi" || connection.config?.enable !== true) continue;
      const serverId = connection.info?.id || String(index);
      const tools = await loadToolServer(serverId, connection);
      if (tools) loaded.set(serverId, tools);
    }
    toolServers = loaded;
  }

  async function loadToolServer(serverId: string, connection: ToolServerConnection): Promise<LoadedTool[] | undefined> {
    const spec = await fetchSpec(serverId, connection);
    return spec ? convertOpenApi(spec, serverId, connection, errors) : undefined;
  }

  async function fetchSpec(serverId: string, connection: ToolServerConnection): Promise<JsonObject | undefined> {
    const path = connection.path ?? "openapi.json";
    const specUrl = path.includes("://") ? path : `${connection.url.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
    let spec: unknown;
    try {
      // The spec fetch sends only the bearer key, never the custom headers (research §4).
      const response = await fetch(specUrl, { headers: authHeader(connection), redirect: "manual" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      spec = JSON.parse(await response.text());
    } catch (error) {
      // The real one also keeps going without this server; it stays missing until the config is saved again.
      errors.push(
        `tool server ${serverId}: could not load ${specUrl}: ${String(error)} (YAML specs are not supported here)`,
      );
      return undefined;
    }
    if (!isObject(spec) || !isObject(spec.paths)) {
      errors.push(`tool server ${serverId}: spec at ${specUrl} has no "paths"; Open WebUI skips it`);
      return undefined;
    }
    return spec;
  }

  async function upstreamModelIds(): Promise<Array<Record<string, unknown>>> {
    const response = await fetch(`${modelUrl}/models`, { headers: { authorization: `Bearer ${options.modelApiKey}` } });
    if (!response.ok) throw new Error(`upstream GET /models answered ${response.status}`);
    const body: unknown = await response.json();
    return isObject(body) && Array.isArray(body.data) ? body.data.filter(isObject) : [];
  }

  function callUpstream(payload: JsonObject) {
    return fetch(`${modelUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${options.modelApiKey}`, "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = `${req.method} ${url.pathname}`;
    if (route === "GET /ready" || route === "GET /health") return sendJson(res, 200, { status: true });
    // main.py get_app_version: public, like /ready.
    if (route === "GET /api/version") return sendJson(res, 200, { version, deployment_id: "stand-in" });
    if (!url.pathname.startsWith("/api/")) throw new StandInHttpError(404, { detail: "Not Found" });
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      throw new StandInHttpError(401, { detail: "Not authenticated" });
    }

    if (route === "GET /api/models") {
      const created = Math.floor(Date.now() / 1000);
      const data = (await upstreamModelIds()).map((model) => ({
        id: model.id,
        name: model.id,
        object: "model",
        created,
        owned_by: "openai",
        openai: model,
        urlIdx: 0,
        connection_type: "external",
        tags: [],
      }));
      return sendJson(res, 200, { data });
    }
    if (route === "POST /api/v1/chats/new") return sendJson(res, 200, createChat(await readJson(req)));
    const chatMatch = /^\/api\/v1\/chats\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && chatMatch) {
      const chat = chats.get(decodeURIComponent(chatMatch[1] ?? ""));
      // 401, not 404, for an unknown chat: what routers/chats.py get_chat_by_id raises.
      if (!chat) throw new StandInHttpError(401, { detail: NOT_FOUND });
      return sendJson(res, 200, chat);
    }
    if (req.method === "DELETE" && chatMatch) {
      // routers/chats.py delete_chat_by_id: true once deleted, 404 for a chat that is not there.
      if (!chats.delete(decodeURIComponent(chatMatch[1] ?? ""))) throw new StandInHttpError(404, { detail: NOT_FOUND });
      return sendJson(res, 200, true);
    }
    if (route === "GET /api/v1/configs/tool_servers") {
      return sendJson(res, 200, { TOOL_SERVER_CONNECTIONS: connections });
    }
    if (route === "POST /api/v1/configs/tool_servers") {
      const body = await readJson(req);
      const list = validateConnections(body.TOOL_SERVER_CONNECTIONS);
      await setToolServers(list);
      return sendJson(res, 200, { TOOL_SERVER_CONNECTIONS: connections });
    }
    if (route === "POST /api/v1/configs/tool_servers/verify") {
      const [connection] = validateConnections([await readJson(req)]);
      // The real verify also sends the templated custom headers; this one sends only the bearer key.
      const spec =
        connection?.type === "mcp"
          ? await listMcpTools(connection.url, connection.key)
          : connection
            ? await fetchSpec(connection.info?.id ?? "verify", connection)
            : undefined;
      if (!spec) throw new StandInHttpError(400, { detail: "Failed to connect to the tool server" });
      return sendJson(res, 200, spec);
    }
    if (route === "POST /api/chat/completions") return trackCompletion(chatCompletion(await readJson(req), res));
    throw new StandInHttpError(404, { detail: "Not Found" });
  }

  function createChat(body: JsonObject): StoredChat {
    if (!isObject(body.chat)) {
      throw new StandInHttpError(422, { detail: [{ type: "missing", loc: ["body", "chat"], msg: "Field required" }] });
    }
    const chatJson = structuredClone(body.chat) as ChatJson;
    setMessageAuthors(chatJson);
    const now = Math.floor(Date.now() / 1000);
    const chat: StoredChat = {
      id: randomUUID(),
      user_id: user.id,
      title: typeof chatJson.title === "string" ? chatJson.title : "New Chat",
      chat: chatJson,
      updated_at: now,
      created_at: now,
      share_id: null,
      archived: false,
      pinned: false,
      meta: {},
      variables: isObject(body.variables) ? body.variables : {},
      folder_id: typeof body.folder_id === "string" ? body.folder_id : null,
      tasks: null,
      summary: null,
      current_message_id: currentMessageId(chatJson),
      context_usage: null,
    };
    chats.set(chat.id, chat);
    return chat;
  }

  function setMessageAuthors(chatJson: ChatJson) {
    const all = [...Object.values(chatJson.history?.messages ?? {}), ...(chatJson.messages ?? [])];
    for (const message of all) {
      if (!isObject(message)) continue;
      message.user_id = user.id;
      if (message.role === "user") message.user = { id: user.id, name: user.name };
    }
  }

  // A completion goes on when its caller goes away (a relay killed mid-run), as in Open WebUI: tests wait for those too.
  const running = new Set<Promise<unknown>>();
  function trackCompletion<T>(completion: Promise<T>): Promise<T> {
    running.add(completion);
    const forget = () => running.delete(completion);
    completion.then(forget, forget);
    return completion;
  }
  async function completionsSettled() {
    while (running.size > 0) await Promise.allSettled([...running]);
  }

  async function chatCompletion(body: JsonObject, res: ServerResponse) {
    completionRequests.push(structuredClone(body));
    const model = body.model;
    const models = await upstreamModelIds();
    if (typeof model !== "string" || !models.some((m) => m.id === model)) {
      throw new StandInHttpError(400, { detail: "Model not found" });
    }
    const params = isObject(body.params) ? body.params : {};
    if ((params.function_calling ?? "native") !== "native") {
      throw notImplemented(`params.function_calling "${String(params.function_calling)}"; only "native" is modelled`);
    }
    if (body.session_id) throw notImplemented("session_id (background tasks reported over socket.io)");
    if (body.message_ids !== undefined || body.assistant_message_id !== undefined) {
      throw notImplemented("message_ids / assistant_message_id");
    }

    const chatId = typeof body.chat_id === "string" && body.chat_id !== "" ? body.chat_id : null;
    const messageId = typeof body.id === "string" && body.id !== "" ? body.id : null;
    const userMessage = isObject(body.user_message)
      ? body.user_message
      : isObject(body.parent_message)
        ? body.parent_message
        : null;
    const saved = chatId !== null && !/^(temporary|local|channel):/.test(chatId);
    let chat: StoredChat | undefined;
    let userMessageId: string | null = null;
    if (saved) {
      // research §2: a saved chat must exist (404), then the turn is inserted (409 on a bad id).
      chat = chats.get(chatId);
      if (!chat) throw new StandInHttpError(404, { detail: NOT_FOUND });
      userMessageId = insertChatTurn(chat, userMessage, messageId, model);
    }

    let messages = body.messages;
    if (messages === undefined && chat && userMessageId) messages = messagesFromHistory(chat, userMessageId);
    if (!Array.isArray(messages)) throw new StandInHttpError(400, { detail: "'messages'" });

    const headerContext = { chat, chatId: chatId ?? "", messageId: messageId ?? "", userMessageId, userMessage };
    const offered = await resolveTools(body, headerContext);
    try {
      return await completeWithTools(body, res, params, messages, offered, headerContext);
    } finally {
      await offered.close();
    }
  }

  async function completeWithTools(
    body: JsonObject,
    res: ServerResponse,
    params: JsonObject,
    messages: unknown[],
    offered: { upstream: unknown[]; executable: Map<string, LoadedTool> },
    context: TurnContext,
  ) {
    const payload: JsonObject = { ...body, messages };
    for (const key of openWebUIKeys) delete payload[key];
    for (const key of upstreamParams) if (key in params) payload[key] = params[key];
    // Assumption (unverified): an empty tool list is not sent upstream, where OpenAI would refuse `tools: []`.
    if (offered.upstream.length > 0) payload.tools = offered.upstream;
    else delete payload.tools;

    // No chat id or message id ("" here): answered without running tools or saving (research §2).
    if (context.chatId !== "" && context.messageId !== "") {
      if (body.stream === true) {
        const answer = await runToolLoop(payload, offered.executable, context);
        if (answer) return sendJson(res, answer.status, answer.body);
        // The synchronous path answers `null` once everything is saved (research §2).
        return sendJson(res, 200, null);
      }
      return singleCallSaved(payload, res, context);
    }
    return passThrough(payload, res);
  }

  function insertChatTurn(chat: StoredChat, userMessage: JsonObject | null, messageId: string | null, model: string) {
    const invalid = () => new StandInHttpError(409, { detail: "Message already exists or has an invalid ID." });
    if (!messageId) throw invalid();
    const history = (chat.chat.history ??= { currentId: null, messages: {} });
    const messages = history.messages;
    const now = Math.floor(Date.now() / 1000);
    const userMessageId =
      userMessage && typeof userMessage.id === "string" && userMessage.id !== "" ? userMessage.id : null;
    if (userMessage && (userMessageId === null || userMessageId === messageId)) throw invalid();

    const existing = messages[messageId];
    if (existing) {
      const preparedReply =
        existing.role === "assistant" &&
        !existing.done &&
        !existing.content &&
        !(existing.output && existing.output.length > 0) &&
        (existing.user_id ?? user.id) === user.id &&
        (userMessageId === null || existing.parentId === userMessageId);
      if (!preparedReply) throw invalid();
    }
    if (userMessage && userMessageId && !messages[userMessageId]) {
      const parentId = typeof userMessage.parentId === "string" ? userMessage.parentId : null;
      if (parentId !== null && !messages[parentId]) throw invalid();
      messages[userMessageId] = {
        ...userMessage,
        id: userMessageId,
        parentId,
        childrenIds: [],
        role: "user",
        user_id: user.id,
        user: { id: user.id, name: user.name },
        timestamp: now,
      };
      addChild(messages, parentId, userMessageId);
    }
    // Faithful to 0.12.4: the placeholder's parentId becomes user_message.id, so a caller that sends only
    // `id` for a prepared reply finds its parentId reset to null (research §2, ⚠️). Send `user_message: {id}`.
    messages[messageId] = {
      ...existing,
      id: messageId,
      parentId: userMessageId,
      childrenIds: existing?.childrenIds ?? [],
      role: "assistant",
      content: "",
      done: false,
      model,
      user_id: user.id,
      timestamp: typeof existing?.timestamp === "number" ? existing.timestamp : now,
    };
    addChild(messages, userMessageId, messageId);
    history.currentId = messageId;
    chat.current_message_id = messageId;
    chat.updated_at = now;
    return userMessageId;
  }

  async function resolveTools(body: JsonObject, context: TurnContext) {
    const closers: Array<() => Promise<void>> = [];
    const close = async () => void (await Promise.all(closers.map((c) => c())));
    // A `tools` key, even empty, makes Open WebUI skip its own tool resolution (contract §4).
    if ("tools" in body) {
      return {
        upstream: Array.isArray(body.tools) ? body.tools : [],
        executable: new Map<string, LoadedTool>(),
        close,
      };
    }
    const executable = new Map<string, LoadedTool>();
    const ids = Array.isArray(body.tool_ids) ? body.tool_ids : [];
    for (const toolId of ids) {
      const mcpMatch = typeof toolId === "string" ? /^server:mcp:([^|]+)$/.exec(toolId) : null;
      if (mcpMatch) {
        for (const tool of await connectMcp(mcpMatch[1]!, context, closers)) executable.set(tool.name, tool);
        continue;
      }
      const match = typeof toolId === "string" ? /^server:(?!mcp:)([^|]+)/.exec(toolId) : null;
      const tools = match?.[1] !== undefined ? toolServers.get(match[1]) : undefined;
      if (!tools) {
        errors.push(`tool_ids entry ${JSON.stringify(toolId)} names no loaded tool server; Open WebUI ignores it`);
        continue;
      }
      for (const tool of tools) executable.set(tool.name, tool);
    }
    const upstream = [...executable.values()].map((tool) => ({ type: "function", function: tool.spec }));
    return { upstream, executable, close };
  }

  async function connectMcp(serverId: string, context: TurnContext, closers: Array<() => Promise<void>>) {
    const connection = connections.find((c) => c.type === "mcp" && c.info?.id === serverId);
    if (!connection || connection.config?.enable !== true) {
      errors.push(`MCP server ${serverId} is not a connection that is on; Open WebUI skips it`);
      return [];
    }
    const opened = await openMcpTools(serverId, connection.url, toolServerHeaders(connection, context));
    closers.push(opened.close);
    return opened.tools.map((mcp): LoadedTool => ({
      serverId,
      connection,
      name: mcp.spec.name,
      method: "mcp",
      path: "",
      pathParams: new Set(),
      queryParams: new Set(),
      spec: mcp.spec,
      mcp,
    }));
  }

  /** Returns an HTTP answer only when the very first upstream call fails; otherwise the caller answers null. */
  async function runToolLoop(
    payload: JsonObject,
    executable: Map<string, LoadedTool>,
    context: TurnContext,
  ): Promise<{ status: number; body: unknown } | undefined> {
    const conversation = [...(payload.messages as unknown[])];
    const output: OutputItem[] = [];
    let rounds = 0;
    let error: string | undefined;
    for (let call = 0; ; call++) {
      // Follow-up calls always stream (research §6); the first one already does on this path.
      const response = await callUpstream({ ...payload, messages: conversation, stream: true });
      const contentType = response.headers.get("content-type") ?? "";
      if (!response.ok || !contentType.includes("text/event-stream")) {
        const text = await response.text();
        if (!response.ok && call === 0) {
          saveMessage(context, { parentId: context.userMessageId, error: { content: text }, done: true });
          return { status: response.status, body: parseJsonOr(text) };
        }
        error = `upstream answered ${response.status} ${contentType || "(no content-type)"}: ${text.slice(0, 500)}`;
        errors.push(`chat ${context.chatId}: tool loop stopped, ${error}`);
        break;
      }
      const turn = await readStreamedTurn(response.body);
      if (turn.content !== "") output.push(messageItem(turn.content));
      if (turn.toolCalls.length === 0) break;
      if (rounds >= maxIterations) {
        error = `Tool-call limit reached (${maxIterations} iterations).`;
        break;
      }
      rounds++;
      conversation.push({
        role: "assistant",
        content: turn.content,
        tool_calls: turn.toolCalls.map((c) => ({
          id: c.id,
          type: "function",
          function: { name: c.name, arguments: c.arguments },
        })),
      });
      for (const toolCall of turn.toolCalls) {
        const { content, failed } = await executeToolCall(toolCall, executable, context);
        output.push({
          type: "function_call",
          id: `fc_${randomBytes(12).toString("hex")}`,
          call_id: toolCall.id,
          name: toolCall.name,
          arguments: toolCall.arguments,
          status: "completed",
        });
        output.push({
          type: "function_call_output",
          id: `fco_${randomBytes(12).toString("hex")}`,
          call_id: toolCall.id,
          output: [{ type: "input_text", text: content }],
          status: failed && !before011 ? "failed" : "completed",
        });
        conversation.push({ role: "tool", tool_call_id: toolCall.id, content });
      }
    }
    saveMessage(context, { done: true, output, ...(error ? { error: { content: error } } : {}) });
    return undefined;
  }

  async function executeToolCall(
    toolCall: UpstreamTurn["toolCalls"][number],
    executable: Map<string, LoadedTool>,
    context: TurnContext,
  ): Promise<{ content: string; failed: boolean }> {
    const tool = executable.get(toolCall.name);
    if (!tool) return { content: `Error: Tool "${toolCall.name}" not found.`, failed: true };
    let args: unknown;
    try {
      args = toolCall.arguments.trim() === "" ? {} : JSON.parse(toolCall.arguments);
    } catch {
      args = undefined;
    }
    if (!isObject(args)) {
      return { content: "Error: Tool call arguments could not be parsed. Send a JSON object.", failed: true };
    }
    // MCP servers validate their own arguments: nothing is dropped (middleware execute_tool_call).
    if (tool.mcp) return callMcpTool(tool, tool.mcp, args, context);
    // Arguments the tool does not declare are dropped before execution (middleware execute_tool_call).
    const declared = isObject(tool.spec.parameters.properties) ? tool.spec.parameters.properties : {};
    const params = Object.fromEntries(Object.entries(args).filter(([key]) => key in declared));

    let path = tool.path;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (tool.pathParams.has(key)) path = path.replaceAll(`{${key}}`, encodeURIComponent(String(value)));
      else if (tool.queryParams.has(key) && value !== null && value !== undefined) {
        for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
      }
    }
    const url = `${tool.connection.url.replace(/\/+$/, "")}${path}${query.size > 0 ? `?${query}` : ""}`;
    const headers = toolServerHeaders(tool.connection, context);
    // Contract §1: up to 0.11.3 the JSON body holds ALL the model's arguments, path and query ones included.
    // 0.12.4 sends only body fields (research §3); the older behaviour is the harder one for our server.
    const body = bodyMethods.has(tool.method) ? params : undefined;
    const record: ExecutedToolCall = {
      toolServerId: tool.serverId,
      name: tool.name,
      method: tool.method.toUpperCase(),
      url,
      headers,
      body,
      status: 0,
      result: undefined,
      chatId: context.chatId,
      messageId: context.messageId,
    };
    toolCalls.push(record);
    let result: unknown;
    try {
      const response = await fetch(url, {
        method: record.method,
        headers,
        redirect: "manual",
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      record.status = response.status;
      const contentType = response.headers.get("content-type") ?? "";
      const bytes = Buffer.from(await response.arrayBuffer());
      const text = bytes.toString("utf8");
      if (response.status >= 400) {
        result = { error: `HTTP error ${response.status}: ${text}` };
      } else {
        try {
          result = JSON.parse(text);
        } catch {
          result =
            contentType === "" || contentType.startsWith("text/")
              ? text
              : `data:${contentType};base64,${bytes.toString("base64")}`;
        }
      }
    } catch (error) {
      result = { error: String(error instanceof Error && error.cause ? error.cause : error) };
    }
    if (Array.isArray(result)) result = { results: result };
    record.result = result;
    const failed = record.status === 0 || record.status >= 400;
    // Dicts reach the model as json.dumps(indent=2); strings pass through (research §3).
    return { content: typeof result === "string" ? result : JSON.stringify(result, null, 2), failed };
  }

  async function callMcpTool(tool: LoadedTool, mcp: McpTool, args: JsonObject, context: TurnContext) {
    const record: ExecutedToolCall = {
      toolServerId: tool.serverId,
      name: mcp.name,
      method: "MCP",
      url: tool.connection.url,
      headers: toolServerHeaders(tool.connection, context),
      body: args,
      status: 0,
      result: undefined,
      chatId: context.chatId,
      messageId: context.messageId,
    };
    toolCalls.push(record);
    try {
      const { result, isError } = await mcp.call(args);
      Object.assign(record, { status: 200, isError, result });
    } catch (error) {
      record.result = { error: String(error) };
    }
    const failed = record.status === 0 || record.isError === true;
    const content = typeof record.result === "string" ? record.result : JSON.stringify(record.result, null, 2);
    return { content, failed };
  }

  function toolServerHeaders(connection: ToolServerConnection, context: TurnContext): Record<string, string> {
    const headers: Record<string, string> = authHeader(connection);
    const values: Record<string, string> = {
      CHAT_ID: context.chatId,
      MESSAGE_ID: context.messageId,
      USER_MESSAGE_ID: context.userMessageId ?? "",
      USER_MESSAGE_PARENT_ID:
        context.userMessage && typeof context.userMessage.parentId === "string" ? context.userMessage.parentId : "",
      USER_ID: user.id,
      USER_NAME: user.name,
      USER_EMAIL: user.email,
      USER_ROLE: user.role,
    };
    if (isObject(connection.headers)) {
      for (const [key, template] of Object.entries(connection.headers)) {
        if (typeof template !== "string") continue;
        const value = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) =>
          name in values ? (values[name] ?? "") : knownEmptyPlaceholder(name) ? "" : whole,
        );
        // A custom header named authorization, in any case, replaces the auth header.
        if (key.toLowerCase() === "authorization") delete headers.authorization;
        headers[key.toLowerCase()] = quoteHeaderValue(value);
      }
    }
    headers["content-type"] ??= "application/json";
    return headers;
  }

  function saveMessage(context: TurnContext, update: Partial<HistoryMessage>) {
    const chat = context.chat;
    if (!chat) return;
    const history = (chat.chat.history ??= { currentId: null, messages: {} });
    const existing = history.messages[context.messageId];
    const merged: HistoryMessage = { ...existing, ...update, id: context.messageId };
    // upsert_message_to_chat_by_id_and_message_id fills an empty content from the output text (research §2);
    // 0.10.2's does not.
    if (!merged.content && merged.output && !before011) merged.content = outputText(merged.output);
    history.messages[context.messageId] = merged;
    history.currentId = context.messageId;
    chat.current_message_id = context.messageId;
    chat.updated_at = Math.floor(Date.now() / 1000);
  }

  async function singleCallSaved(payload: JsonObject, res: ServerResponse, context: TurnContext) {
    const response = await callUpstream(payload);
    const text = await response.text();
    const body = parseJsonOr(text);
    if (!response.ok) {
      saveMessage(context, { parentId: context.userMessageId, error: { content: text }, done: true });
    } else {
      // Native tools only run on the streaming path: the tool_calls go back to the caller unexecuted,
      // and only the text is saved (research §7).
      const choice = isObject(body) && Array.isArray(body.choices) && isObject(body.choices[0]) ? body.choices[0] : {};
      const message = isObject(choice.message) ? choice.message : {};
      const content = typeof message.content === "string" ? message.content : "";
      saveMessage(context, { done: true, output: content ? [messageItem(content)] : [] });
    }
    sendRaw(res, response.status, response.headers.get("content-type") ?? "application/json", text);
  }

  async function passThrough(payload: JsonObject, res: ServerResponse) {
    const response = await callUpstream(payload);
    const contentType = response.headers.get("content-type") ?? "application/json";
    if (!response.body || !contentType.includes("text/event-stream")) {
      return sendRaw(res, response.status, contentType, await response.text());
    }
    res.writeHead(response.status, { "content-type": contentType, "cache-control": "no-cache" });
    for await (const chunk of response.body) res.write(chunk);
    res.end();
  }

  function notImplemented(what: string) {
    const message = `the Open WebUI stand-in does not model ${what}`;
    errors.push(message);
    return new StandInHttpError(400, { detail: message });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const httpError =
        error instanceof StandInHttpError ? error : new StandInHttpError(400, { detail: String(error) });
      errors.push(`${req.method} ${req.url}: ${httpError.status} ${httpError.message}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, httpError.status, httpError.body);
    });
  });

  await setToolServers(options.toolServers ?? []);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    user,
    chats,
    toolCalls,
    completionRequests,
    completionsSettled,
    errors,
    setToolServers,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Accumulates an OpenAI chat.completion.chunk stream the way middleware.py does (research §6). */
async function readStreamedTurn(body: AsyncIterable<Uint8Array> | null): Promise<UpstreamTurn> {
  let content = "";
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  if (!body) return { content, toolCalls: [] };
  for await (const data of readSseData(body)) {
    if (data === "[DONE]") break;
    const chunk = parseJsonOr(data);
    if (!isObject(chunk) || !Array.isArray(chunk.choices)) continue;
    const choice = chunk.choices[0];
    if (!isObject(choice) || !isObject(choice.delta)) continue;
    const delta = choice.delta;
    if (typeof delta.content === "string") content += delta.content;
    if (!Array.isArray(delta.tool_calls)) continue;
    for (const part of delta.tool_calls) {
      if (!isObject(part) || typeof part.index !== "number") continue; // index null is ignored
      const fn = isObject(part.function) ? part.function : {};
      const args =
        fn.arguments === undefined
          ? ""
          : typeof fn.arguments === "string"
            ? fn.arguments
            : JSON.stringify(fn.arguments);
      const known = calls.get(part.index);
      if (!known) {
        calls.set(part.index, {
          id: typeof part.id === "string" && part.id !== "" ? part.id : `fc_${randomBytes(12).toString("hex")}`,
          name: typeof fn.name === "string" ? fn.name : "",
          arguments: args,
        });
      } else {
        if (typeof fn.name === "string" && fn.name !== "") known.name = fn.name;
        known.arguments += args;
      }
    }
  }
  const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  return { content, toolCalls };
}

/** convert_openapi_to_tool_payload, as described in the contract §1 and research §4. */
function convertOpenApi(
  spec: JsonObject,
  serverId: string,
  connection: ToolServerConnection,
  errors: string[],
): LoadedTool[] {
  const components = isObject(spec.components) ? spec.components : {};
  const tools: LoadedTool[] = [];
  for (const [path, pathItem] of Object.entries(spec.paths as JsonObject)) {
    if (!isObject(pathItem)) continue;
    for (const method of httpMethods) {
      const operation = pathItem[method];
      if (!isObject(operation) || operation.operationId === undefined) continue;
      const name = String(operation.operationId);
      if (!toolNamePattern.test(name)) {
        errors.push(
          `tool server ${serverId}: operationId ${JSON.stringify(name)} of ${method.toUpperCase()} ${path} is not a valid tool name (^[a-zA-Z0-9_-]{1,64}$); a real model API would refuse the whole request`,
        );
        continue;
      }
      const description =
        "description" in operation
          ? String(operation.description)
          : String(operation.summary ?? "No description available.");
      const properties: JsonObject = {};
      const required: string[] = [];
      const pathParams = new Set<string>();
      const queryParams = new Set<string>();
      const merged = new Map<string, JsonObject>();
      for (const param of [...asArray(pathItem.parameters), ...asArray(operation.parameters)]) {
        if (isObject(param) && typeof param.name === "string") merged.set(`${param.name}\0${String(param.in)}`, param);
      }
      for (const param of merged.values()) {
        const paramName = param.name as string;
        // $ref inside a parameter schema is not resolved: the property falls back to type string.
        const schema = isObject(param.schema) ? param.schema : {};
        let paramDescription = String(schema.description ?? param.description ?? "");
        if (Array.isArray(schema.enum)) paramDescription += `. Possible values: ${schema.enum.join(", ")}`;
        const property: JsonObject = { type: schema.type ?? "string", description: paramDescription };
        if (schema.type === "array" && schema.items !== undefined) property.items = schema.items;
        properties[paramName] = property;
        if (param.required === true) required.push(paramName);
        if (param.in === "path") pathParams.add(paramName);
        if (param.in === "query") queryParams.add(paramName);
      }
      const requestBody = isObject(operation.requestBody) ? resolveSchema(operation.requestBody, components) : {};
      const content = isObject(requestBody) && isObject(requestBody.content) ? requestBody.content : {};
      const json = isObject(content["application/json"]) ? content["application/json"] : {};
      const bodySchema = isObject(json.schema) ? resolveSchema(json.schema, components) : undefined;
      if (isObject(bodySchema) && isObject(bodySchema.properties)) {
        Object.assign(properties, bodySchema.properties);
        for (const field of asArray(bodySchema.required)) {
          if (typeof field === "string" && !required.includes(field)) required.push(field);
        }
      }
      tools.push({
        serverId,
        connection,
        name,
        method,
        path,
        pathParams,
        queryParams,
        spec: { name, description, parameters: { type: "object", properties, required } },
      });
    }
  }
  return tools;
}

/** Resolves every `$ref` into `components` (recursively); a cycle resolves to `{}` like resolve_schema. */
function resolveSchema(schema: unknown, components: JsonObject, seen: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(schema)) return schema.map((item) => resolveSchema(item, components, seen));
  if (!isObject(schema)) return schema;
  if (typeof schema.$ref === "string") {
    const ref = schema.$ref;
    if (seen.has(ref) || !ref.startsWith("#/components/")) return {};
    let target: unknown = components;
    for (const segment of ref.slice("#/components/".length).split("/")) {
      target = isObject(target) ? target[segment.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined;
    }
    return resolveSchema(target ?? {}, components, new Set([...seen, ref]));
  }
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, resolveSchema(value, components, seen)]),
  );
}

function validateConnections(list: unknown): ToolServerConnection[] {
  if (!Array.isArray(list)) {
    throw new StandInHttpError(422, {
      detail: [{ type: "list_type", loc: ["body", "TOOL_SERVER_CONNECTIONS"], msg: "Input should be a valid list" }],
    });
  }
  const problems: JsonObject[] = [];
  list.forEach((connection, index) => {
    // url and path are required; auth_type, key and config are required keys that may be null (research §5).
    for (const key of ["url", "path", "auth_type", "key", "config"]) {
      if (!isObject(connection) || !(key in connection)) {
        problems.push({ type: "missing", loc: ["body", "TOOL_SERVER_CONNECTIONS", index, key], msg: "Field required" });
      }
    }
  });
  if (problems.length > 0) throw new StandInHttpError(422, { detail: problems });
  return list as ToolServerConnection[];
}

function authHeader(connection: ToolServerConnection): Record<string, string> {
  const key = (connection.key ?? "").trim();
  return (connection.auth_type ?? "bearer") === "bearer" && key !== "" ? { authorization: `Bearer ${key}` } : {};
}

/** Placeholders the real one knows but that are empty on the tool path in this stand-in. */
function knownEmptyPlaceholder(name: string) {
  return [
    "FILE_ID",
    "FILE_NAME",
    "FILE_CONTENT_TYPE",
    "TASK",
    "MODEL_ID",
    "USER_GROUPS",
    "USER_GROUP_IDS",
    "USER_AGENT",
    "AUTH_TYPE",
  ].includes(name);
}

/** Python's quote(value, safe=string.punctuation + " \t"): printable ASCII stays, the rest is %-encoded UTF-8. */
function quoteHeaderValue(value: string): string {
  let quoted = "";
  for (const char of value) {
    if (char === "\t" || /^[\x20-\x7e]$/.test(char)) quoted += char;
    else for (const byte of Buffer.from(char, "utf8")) quoted += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return quoted;
}

function messagesFromHistory(chat: StoredChat, fromId: string): Array<{ role: unknown; content: unknown }> {
  const messages = chat.chat.history?.messages ?? {};
  const list: Array<{ role: unknown; content: unknown }> = [];
  const seen = new Set<string>();
  let id: string | null | undefined = fromId;
  while (id && !seen.has(id)) {
    seen.add(id);
    const message: HistoryMessage | undefined = messages[id];
    if (!message) break;
    list.unshift({ role: message.role, content: message.content ?? "" });
    id = message.parentId;
  }
  return list;
}

function currentMessageId(chat: ChatJson): string | null {
  if (chat.history?.currentId) return chat.history.currentId;
  if (typeof chat.currentId === "string" && chat.currentId) return chat.currentId;
  const last = [...(chat.messages ?? [])].reverse().find((m) => isObject(m) && typeof m.id === "string" && m.id);
  return last ? String(last.id) : null;
}

function addChild(messages: Record<string, HistoryMessage>, parentId: string | null, childId: string) {
  const parent = parentId ? messages[parentId] : undefined;
  if (!parent) return;
  parent.childrenIds ??= [];
  if (!parent.childrenIds.includes(childId)) parent.childrenIds.push(childId);
}

function messageItem(text: string): OutputItem {
  return {
    type: "message",
    id: `msg_${randomBytes(12).toString("hex")}`,
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text }],
  };
}

/** get_output_text: the "\n"-join of the output_text parts of every message item. */
export function outputText(output: OutputItem[]): string {
  return output.flatMap((item) => (item.type === "message" ? item.content.map((part) => part.text) : [])).join("\n");
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function readJson(req: IncomingMessage): Promise<JsonObject> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = parseJsonOr(Buffer.concat(chunks).toString("utf8"));
  if (!isObject(body)) {
    throw new StandInHttpError(422, {
      detail: [{ type: "model_attributes_type", loc: ["body"], msg: "Input should be a valid dictionary" }],
    });
  }
  return body;
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  sendRaw(res, status, "application/json", JSON.stringify(body));
}

function sendRaw(res: ServerResponse, status: number, contentType: string, text: string) {
  res.writeHead(status, { "content-type": contentType });
  res.end(text);
}
