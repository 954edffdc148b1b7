import { chatIdHeader, userNameHeader } from "../tool-server/call-context-from-request.ts";

/** How Open WebUI reaches the tools: our OpenAPI document, or the MCP endpoint (/mcp). */
export type ConnectionKind = "openapi" | "mcp";

/** The tool id a completion names to get our tools: Open WebUI keys MCP connections apart (`server:mcp:<id>`). */
export function openWebUIToolId(id: string, kind: ConnectionKind = "openapi") {
  return kind === "mcp" ? `server:mcp:${id}` : `server:${id}`;
}

export interface ConnectionOptions {
  /** Where Open WebUI reaches the tool server. */
  url: string;
  key: string;
  id: string;
  name?: string;
  /** "openapi" unless told. */
  kind?: ConnectionKind;
  /** Open WebUI grants; everyone may read by default. */
  accessGrants?: Array<{ principal_type: "user" | "group"; principal_id: string; permission: "read" | "write" }>;
}

/**
 * The tool server connection as Open WebUI stores it (TOOL_SERVER_CONNECTIONS).
 * The header templates are how each tool call tells us its chat: the relay's
 * run scope depends on them, over OpenAPI and MCP alike.
 */
export function openWebUIConnection(options: ConnectionOptions) {
  const base = options.url.replace(/\/+$/, "");
  // An MCP connection's url is the endpoint itself; Open WebUI 0.12.4 requires `path` but does not read it.
  const where =
    options.kind === "mcp"
      ? { type: "mcp" as const, url: `${base}/mcp`, path: "" }
      : { type: "openapi" as const, url: options.url, path: "openapi.json", spec_type: "url" as const, spec: "" };
  return {
    ...where,
    auth_type: "bearer" as const,
    key: options.key,
    headers: {
      [canonical(chatIdHeader)]: "{{CHAT_ID}}",
      [canonical(userNameHeader)]: "{{USER_NAME}}",
    },
    config: {
      enable: true,
      function_name_filter_list: "",
      access_grants: options.accessGrants ?? [
        { principal_type: "user" as const, principal_id: "*", permission: "read" as const },
      ],
    },
    info: {
      id: options.id,
      name: options.name ?? "GitHub",
      description: "Read GitHub issues and comment on them (openwebui-github).",
    },
  };
}

function canonical(header: string) {
  return header
    .replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())
    .replace("Openwebui", "OpenWebUI");
}
