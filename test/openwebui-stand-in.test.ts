import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startScriptedModel } from "../stand-ins/scripted-model.ts";
import type { ModelRequest, ScriptedModel } from "../stand-ins/scripted-model.ts";
import { startOpenWebUIStandIn } from "../stand-ins/open-webui-stand-in.ts";
import type { OpenWebUIStandIn, StoredChat, ToolServerConnection } from "../stand-ins/open-webui-stand-in.ts";
import { readSseData } from "../stand-ins/sse.ts";

const toolKey = "tool-server-secret";

interface ReceivedCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A one-tool OpenAPI server: POST /echo, body schema behind a $ref, plus a query parameter. */
async function startEchoToolServer() {
  const calls: ReceivedCall[] = [];
  const state = { status: 200 };
  const spec = {
    openapi: "3.1.0",
    info: { title: "Echo", version: "1.0.0" },
    servers: [{ url: "http://ignored.invalid" }],
    paths: {
      "/echo": {
        post: {
          operationId: "echo",
          summary: "Summary that loses to the description",
          description: "Echo the text back.",
          parameters: [
            { name: "repo", in: "query", required: false, schema: { type: "string", description: "owner/name" } },
          ],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/EchoInput" } } },
          },
          responses: { "200": { description: "The echo" } },
        },
      },
      "/no-operation-id": { get: { summary: "Not a tool: it has no operationId" } },
    },
    components: {
      schemas: {
        EchoInput: {
          type: "object",
          properties: { text: { type: "string", description: "What to echo" } },
          required: ["text"],
        },
      },
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.headers.authorization !== `Bearer ${toolKey}`) {
        res.writeHead(401).end();
        return;
      }
      if (req.method === "GET" && req.url === "/openapi.json") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(spec));
        return;
      }
      const text = Buffer.concat(chunks).toString("utf8");
      calls.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      });
      if (state.status >= 400) {
        res
          .writeHead(state.status, { "content-type": "application/json" })
          .end(JSON.stringify({ detail: "Not allowed here" }));
        return;
      }
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ echoed: (calls.at(-1)?.body as { text?: string })?.text }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function connectionFor(url: string): ToolServerConnection {
  return {
    type: "openapi",
    url,
    path: "openapi.json",
    spec_type: "url",
    spec: "",
    auth_type: "bearer",
    key: toolKey,
    headers: {
      "X-Chat-Id": "{{CHAT_ID}}",
      "X-Message-Id": "{{MESSAGE_ID}}",
      "X-User": "{{USER_ID}}|{{USER_EMAIL}}|{{USER_ROLE}}",
    },
    config: { enable: true, access_grants: [{ principal_type: "user", principal_id: "*", permission: "read" }] },
    info: { id: "echo-server", name: "Echo" },
  };
}

/** Calls the tool once, then answers with text that quotes the tool result. */
function toolThenAnswer(request: ModelRequest, callIndex: number) {
  if (callIndex === 0)
    return { toolCalls: [{ id: "call_1", name: "echo", arguments: { text: "hi", repo: "octo/demo" } }] };
  const toolMessage = request.messages.find((m) => m.role === "tool");
  return { content: `Tool said: ${String(toolMessage?.content)}` };
}

describe("Open WebUI stand-in with the scripted model", () => {
  let model: ScriptedModel;
  let tools: Awaited<ReturnType<typeof startEchoToolServer>>;
  let owui: OpenWebUIStandIn;

  beforeEach(async () => {
    model = await startScriptedModel({ script: toolThenAnswer });
    tools = await startEchoToolServer();
    owui = await startOpenWebUIStandIn({
      modelUrl: model.url,
      modelApiKey: model.apiKey,
      toolServers: [connectionFor(tools.url)],
    });
  });

  afterEach(async () => {
    await owui.close();
    await tools.close();
    await model.close();
  });

  function api(path: string, body?: unknown, key = owui.apiKey) {
    return fetch(`${owui.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  async function newChatWithPlaceholder() {
    const userId = randomUUID();
    const assistantId = randomUUID();
    const response = await api("/api/v1/chats/new", {
      chat: {
        title: "Issue #1",
        models: ["gpt-5"],
        history: {
          currentId: assistantId,
          messages: {
            [userId]: {
              id: userId,
              parentId: null,
              childrenIds: [assistantId],
              role: "user",
              content: "Please echo hi",
            },
            [assistantId]: {
              id: assistantId,
              parentId: userId,
              childrenIds: [],
              role: "assistant",
              content: "",
              done: false,
            },
          },
        },
      },
    });
    expect(response.status).toBe(200);
    const chat = (await response.json()) as StoredChat;
    return { chat, userId, assistantId };
  }

  it("runs the tool loop only with stream, chat_id and id, answers null and saves the answer in the chat", async () => {
    const { chat, userId, assistantId } = await newChatWithPlaceholder();
    expect(chat.title).toBe("Issue #1");

    const response = await api("/api/chat/completions", {
      model: "gpt-5",
      stream: true,
      chat_id: chat.id,
      id: assistantId,
      user_message: { id: userId },
      tool_ids: ["server:echo-server"],
      messages: [{ role: "user", content: "Please echo hi" }],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toBeNull();

    // The model was offered the tool with the $ref body resolved and merged flat.
    expect(model.requests[0]?.tools).toEqual([
      {
        type: "function",
        function: {
          name: "echo",
          description: "Echo the text back.",
          parameters: {
            type: "object",
            properties: {
              repo: { type: "string", description: "owner/name" },
              text: { type: "string", description: "What to echo" },
            },
            required: ["text"],
          },
        },
      },
    ]);

    expect(tools.calls).toHaveLength(1);
    const call = tools.calls[0];
    expect(call?.method).toBe("POST");
    expect(call?.url).toBe("/echo?repo=octo%2Fdemo");
    expect(call?.body).toEqual({ text: "hi", repo: "octo/demo" }); // all arguments, query ones included
    expect(call?.headers.authorization).toBe(`Bearer ${toolKey}`);
    expect(call?.headers["x-chat-id"]).toBe(chat.id);
    expect(call?.headers["x-message-id"]).toBe(assistantId);
    expect(call?.headers["x-user"]).toBe(`${owui.user.id}|${owui.user.email}|admin`);

    // The follow-up call carries the assistant tool_calls message and its tool answer.
    const followUp = model.requests[1];
    expect(followUp?.stream).toBe(true);
    expect(followUp?.messages.slice(-2)).toEqual([
      {
        role: "assistant",
        content: "",
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "echo", arguments: '{"text":"hi","repo":"octo/demo"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: JSON.stringify({ echoed: "hi" }, null, 2) },
    ]);

    const stored = (await (await api(`/api/v1/chats/${chat.id}`)).json()) as StoredChat;
    const message = stored.chat.history?.messages[assistantId];
    expect(message?.done).toBe(true);
    expect(message?.parentId).toBe(userId);
    expect(message?.content).toBe(`Tool said: ${JSON.stringify({ echoed: "hi" }, null, 2)}`);
    expect(message?.output?.map((item) => item.type)).toEqual(["function_call", "function_call_output", "message"]);
    expect(stored.chat.history?.currentId).toBe(assistantId);
    expect(owui.toolCalls).toMatchObject([
      { toolServerId: "echo-server", name: "echo", status: 200, chatId: chat.id, messageId: assistantId },
    ]);
    expect(model.errors).toEqual([]);
    expect(owui.errors).toEqual([]);
  });

  it("returns the raw tool_calls and executes nothing when stream is false", async () => {
    const { chat, userId, assistantId } = await newChatWithPlaceholder();
    const response = await api("/api/chat/completions", {
      model: "gpt-5",
      stream: false,
      chat_id: chat.id,
      id: assistantId,
      user_message: { id: userId },
      tool_ids: ["server:echo-server"],
      messages: [{ role: "user", content: "Please echo hi" }],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      object: string;
      choices: Array<{ finish_reason: string; message: { tool_calls: unknown[] } }>;
    };
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0]?.finish_reason).toBe("tool_calls");
    expect(body.choices[0]?.message.tool_calls).toEqual([
      { id: "call_1", type: "function", function: { name: "echo", arguments: '{"text":"hi","repo":"octo/demo"}' } },
    ]);
    expect(tools.calls).toEqual([]);
    expect(owui.toolCalls).toEqual([]);
    expect(model.requests).toHaveLength(1);
  });

  it("passes the upstream stream through, unexecuted, without chat_id and id", async () => {
    const response = await api("/api/chat/completions", {
      model: "gpt-5",
      stream: true,
      tool_ids: ["server:echo-server"],
      messages: [{ role: "user", content: "Please echo hi" }],
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events: string[] = [];
    if (!response.body) throw new Error("no body");
    for await (const data of readSseData(response.body)) events.push(data);
    expect(events.at(-1)).toBe("[DONE]");
    const argumentFragments = events
      .slice(0, -1)
      .flatMap(
        (e) =>
          (JSON.parse(e) as { choices: Array<{ delta: { tool_calls?: Array<{ function: { arguments?: string } }> } }> })
            .choices,
      )
      .flatMap((c) => c.delta.tool_calls ?? [])
      .map((t) => t.function.arguments ?? "")
      .filter((a) => a !== "");
    expect(argumentFragments.length).toBeGreaterThanOrEqual(2);
    expect(argumentFragments.join("")).toBe('{"text":"hi","repo":"octo/demo"}');
    expect(tools.calls).toEqual([]);
  });

  it("gives the model a tool server 4xx as {error: 'HTTP error 403: ...'}", async () => {
    tools.state.status = 403;
    const { chat, userId, assistantId } = await newChatWithPlaceholder();
    const response = await api("/api/chat/completions", {
      model: "gpt-5",
      stream: true,
      chat_id: chat.id,
      id: assistantId,
      user_message: { id: userId },
      tool_ids: ["server:echo-server"],
      messages: [{ role: "user", content: "Please echo hi" }],
    });
    expect(await response.json()).toBeNull();
    const toolMessage = model.requests[1]?.messages.find((m) => m.role === "tool");
    expect(JSON.parse(String(toolMessage?.content))).toEqual({
      error: 'HTTP error 403: {"detail":"Not allowed here"}',
    });
    expect(owui.toolCalls[0]?.status).toBe(403);
    const output = owui.chats.get(chat.id)?.chat.history?.messages[assistantId]?.output ?? [];
    expect(output.find((item) => item.type === "function_call_output")?.status).toBe("failed");
  });

  it("refuses requests the real Open WebUI refuses", async () => {
    expect((await api("/api/models", undefined, "wrong-key")).status).toBe(401);
    const unknownChat = await api(`/api/v1/chats/${randomUUID()}`);
    expect(unknownChat.status).toBe(401);
    expect(await unknownChat.json()).toEqual({ detail: "We could not find what you're looking for :/" });
    const unknownModel = await api("/api/chat/completions", {
      model: "nope",
      messages: [{ role: "user", content: "x" }],
    });
    expect(unknownModel.status).toBe(400);
    expect(await unknownModel.json()).toEqual({ detail: "Model not found" });
    const missingId = await api("/api/chat/completions", {
      model: "gpt-5",
      stream: true,
      chat_id: (await newChatWithPlaceholder()).chat.id,
      messages: [{ role: "user", content: "x" }],
    });
    expect(missingId.status).toBe(409);
    expect(owui.errors).toHaveLength(4);
  });

  it("resets a prepared reply's parentId when only id is sent, as 0.12.4 does, and refuses to reuse a finished reply", async () => {
    model.setScript(() => ({ content: "plain answer" }));
    const { chat, assistantId } = await newChatWithPlaceholder();
    const body = {
      model: "gpt-5",
      stream: true,
      chat_id: chat.id,
      id: assistantId,
      messages: [{ role: "user", content: "hi" }],
    };
    expect(await (await api("/api/chat/completions", body)).json()).toBeNull();
    const message = owui.chats.get(chat.id)?.chat.history?.messages[assistantId];
    expect(message).toMatchObject({ content: "plain answer", done: true, parentId: null });
    expect((await api("/api/chat/completions", body)).status).toBe(409);
  });

  it("keeps a tool server that was down at load time missing until the servers are saved again", async () => {
    const late = await startEchoToolServer();
    await late.close();
    await owui.setToolServers([connectionFor(late.url)]);
    expect(owui.errors.join("\n")).toContain("could not load");
    const response = await api("/api/chat/completions", {
      model: "gpt-5",
      tool_ids: ["server:echo-server"],
      messages: [{ role: "user", content: "hi" }],
    });
    // No tool reached the model, so the scripted call of "echo" is refused by the model stand-in.
    expect(response.status).toBe(500);
    expect(model.errors[0]).toContain('"echo"');
  });

  it("lists the upstream models in Open WebUI's shape", async () => {
    const response = await api("/api/models");
    expect(await response.json()).toMatchObject({
      data: [{ id: "gpt-5", name: "gpt-5", object: "model", owned_by: "openai" }],
    });
  });
});

describe("scripted model", () => {
  let model: ScriptedModel;
  beforeEach(async () => {
    model = await startScriptedModel();
  });
  afterEach(async () => {
    await model.close();
  });

  function complete(body: unknown, key = model.apiKey) {
    return fetch(`${model.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  it("rejects a tool message whose tool_call_id matches no earlier tool call", async () => {
    const response = await complete({
      model: "gpt-5",
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_a", type: "function", function: { name: "echo", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "call_b", content: "{}" },
      ],
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    expect(model.errors).toHaveLength(1);
    expect(model.errors[0]).toContain("call_b");
  });

  it("rejects an assistant tool call left without its tool answer", async () => {
    const response = await complete({
      model: "gpt-5",
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_a", type: "function", function: { name: "echo", arguments: "{}" } }],
        },
        { role: "user", content: "again" },
      ],
    });
    expect(response.status).toBe(400);
    expect(model.errors[0]).toContain("call_a");
  });

  it("refuses a wrong key and an unknown model the way OpenAI does", async () => {
    const wrongKey = await complete({ model: "gpt-5", messages: [{ role: "user", content: "hi" }] }, "sk-wrong");
    expect(wrongKey.status).toBe(401);
    expect(((await wrongKey.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");
    const unknown = await complete({ model: "gpt-4", messages: [{ role: "user", content: "hi" }] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("model_not_found");
  });

  it("records an error when the script calls a tool the request did not offer", async () => {
    model.setScript(() => ({ toolCalls: [{ name: "absent", arguments: {} }] }));
    const response = await complete({ model: "gpt-5", messages: [{ role: "user", content: "hi" }] });
    expect(response.status).toBe(500);
    expect(model.errors[0]).toContain('"absent"');
  });

  it("answers a plain completion with the default script", async () => {
    const response = await complete({ model: "gpt-5", messages: [{ role: "user", content: "hi" }] });
    const body = (await response.json()) as { choices: Array<{ message: { content: string }; finish_reason: string }> };
    expect(body.choices[0]?.message.content).toBe("ok");
    expect(body.choices[0]?.finish_reason).toBe("stop");
    expect(model.requests).toHaveLength(1);
  });
});
