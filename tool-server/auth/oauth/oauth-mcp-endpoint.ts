import express, { Router, type RequestHandler } from "express";
import { knownErrorAnswer } from "../../../lib/error-middleware.ts";
import { HttpError } from "../../../lib/http-error.ts";
import { jsonSchemaOf } from "../../openapi/json-schema-of.ts";
import type { CallContext, ToolDefinition, ToolDependencies } from "../../tool-definition.ts";
import { validateInput } from "../../validate-input.ts";
import type { PersonAuth, SignedInPerson } from "./person-auth.ts";

interface RpcMessage {
  jsonrpc?: string;
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
}

// The handshake-era versions (Open WebUI's MCP client falls back to `initialize` when `server/discover` is unknown).
const protocolVersions = ["2025-06-18", "2025-03-26", "2024-11-05"];

/**
 * The OAuth connection's door: Open WebUI 0.12.4 runs OAuth 2.1 for MCP connections only, so people
 * who sign in with GitHub reach the same tools over MCP (streamable HTTP, JSON answers, no session).
 * It takes people's tokens only, never the tool key: it serves no relay run, so no run scope applies.
 */
export function oauthMcpEndpoint(
  tools: readonly ToolDefinition[],
  deps: ToolDependencies,
  oauth: PersonAuth,
  version: string,
): Router {
  const router = Router();
  const listed = tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: jsonSchemaOf(tool.input, "input"),
  }));
  const handlers: Record<
    string,
    (params: Record<string, unknown>, person: SignedInPerson, chatId: string | null) => unknown
  > = {
    initialize: (params) => ({
      protocolVersion: protocolVersions.includes(String(params.protocolVersion))
        ? params.protocolVersion
        : protocolVersions[0],
      capabilities: { tools: { listChanged: false } },
      serverInfo: { name: "openwebui-github", version },
    }),
    ping: () => ({}),
    "tools/list": () => ({ tools: listed }),
    "tools/call": (params, person, chatId) => callTool(tools, deps, params, person, chatId),
  };
  router.post("/mcp", peopleOnly(oauth), express.json({ limit: "256kb" }), async (req, res) => {
    const message = (req.body ?? {}) as RpcMessage;
    // A notification (no id) gets no answer but 202, as streamable HTTP says.
    if (message.id === undefined || message.id === null) return void res.status(202).end();
    const handler = message.method ? handlers[message.method] : undefined;
    if (!handler)
      return void res.json({
        jsonrpc: "2.0",
        id: message.id,
        error: { code: -32601, message: `Method not found: ${message.method}` },
      });
    const chatId = req.get("x-openwebui-chat-id")?.trim() || null;
    const result = await handler(message.params ?? {}, res.locals.person as SignedInPerson, chatId);
    res.json({ jsonrpc: "2.0", id: message.id, result });
  });
  // No server-initiated stream and no session to end.
  router.all("/mcp", (_req, res) => void res.status(405).set("allow", "POST").end());
  return router;
}

function peopleOnly(oauth: PersonAuth): RequestHandler {
  return async (req, res, next) => {
    const token = /^Bearer (.+)$/i.exec(req.get("authorization") ?? "")?.[1]?.trim();
    const person = token ? await oauth.authenticate(token) : null;
    if (person) {
      res.locals.person = person;
      return next();
    }
    res.set("www-authenticate", oauth.challenge);
    next(new HttpError(401, "Sign in with GitHub: connect the GitHub tools in Open WebUI."));
  };
}

/** One tool call; its refusals come back as a result the model reads (isError), as MCP asks. */
async function callTool(
  tools: readonly ToolDefinition[],
  deps: ToolDependencies,
  params: Record<string, unknown>,
  person: SignedInPerson,
  chatId: string | null,
) {
  const tool = tools.find((t) => t.name === params.name);
  try {
    if (!tool) throw new HttpError(404, `No tool named ${String(params.name)}.`);
    const input = validateInput(tool.input, params.arguments ?? {});
    // Identified by GitHub (their own token), not by Open WebUI: the people policy's subject is the JWT's.
    const call: CallContext = { chatId, caller: { kind: "anonymous", reason: "no-identity" }, run: undefined, person };
    deps.logger.info("tool call", { tool: tool.name, chatId, login: person.login, door: "mcp" });
    const result = await tool.handler(input, call, { ...deps, github: person.github });
    return { content: [{ type: "text", text: JSON.stringify(result) }], structuredContent: result, isError: false };
  } catch (error) {
    const known = knownErrorAnswer(error);
    // GitHub refusing the person's own token: theirs to fix, not the administrator's GITHUB_TOKEN.
    if ((error as { cause?: { status?: unknown } }).cause?.status === 401) {
      const detail =
        "GitHub no longer accepts your sign-in (expired or revoked): connect the GitHub tools again in Open WebUI.";
      return { content: [{ type: "text", text: detail }], isError: true };
    }
    if (!known) deps.logger.error("tool call failed", { tool: tool?.name, login: person.login, error });
    const detail = known?.detail ?? "Internal error. The administrator can find it in the server's log.";
    return { content: [{ type: "text", text: detail }], isError: true };
  }
}
