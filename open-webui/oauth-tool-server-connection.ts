import type { ConnectionOptions } from "./tool-server-connection.ts";

/**
 * The OAuth connection as Open WebUI 0.12.4 stores it: an MCP connection with `oauth_2.1`, the only
 * kind it runs OAuth for (dynamic client registration at our facade, PKCE, a token per person).
 * `oauthClientInfo` is what Open WebUI's own registration answered (encrypted with its secret key).
 */
export function oauthToolServerConnection(options: Omit<ConnectionOptions, "key"> & { oauthClientInfo?: string }) {
  return {
    type: "mcp" as const,
    url: `${options.url}/mcp`,
    path: "",
    spec_type: "url" as const,
    spec: "",
    auth_type: "oauth_2.1" as const,
    key: "",
    headers: { "X-OpenWebUI-Chat-Id": "{{CHAT_ID}}" } as Record<string, string>,
    config: {
      enable: true,
      function_name_filter_list: "",
      access_grants: options.accessGrants ?? [
        { principal_type: "user" as const, principal_id: "*", permission: "read" as const },
      ],
    },
    info: {
      id: options.id,
      name: options.name ?? "GitHub (as you)",
      description:
        "Read GitHub issues and comment on them as yourself, after signing in with GitHub (openwebui-github).",
      ...(options.oauthClientInfo ? { oauth_client_info: options.oauthClientInfo } : {}),
    },
  };
}
