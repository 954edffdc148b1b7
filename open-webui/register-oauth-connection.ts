import { createOpenWebUIRequest } from "./open-webui-request.ts";
import { oauthToolServerConnection } from "./oauth-tool-server-connection.ts";
import { registerToolServer, type RegisterOptions, type RegisterResult } from "./register-tool-server.ts";
import type { ConnectionOptions } from "./tool-server-connection.ts";

export type RegisterOAuthOptions = Omit<RegisterOptions, "connection"> & { connection: Omit<ConnectionOptions, "key"> };

/**
 * `npm run register -- --auth oauth`: the OAuth connection, as Open WebUI's admin page makes it. Open
 * WebUI registers itself as a client of our facade (dynamic registration) once; running again keeps
 * that client, so people stay signed in, unless the tool server's address changed.
 */
export async function registerOAuthConnection(
  options: RegisterOAuthOptions,
): Promise<RegisterResult & { client: "registered" | "kept" }> {
  const openWebUI = createOpenWebUIRequest({
    baseUrl: options.openWebUIUrl,
    apiKey: options.apiKey,
    unreachableHint: "Check OPENWEBUI_URL and that Open WebUI is running.",
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const call = (method: string, path: string, body?: unknown) =>
    openWebUI.send(method, path, { body, timeoutMs: options.timeoutMs });
  const wanted = oauthToolServerConnection(options.connection);
  const listed = await openWebUI.ok(
    await call("GET", "/api/v1/configs/tool_servers"),
    "GET",
    "/api/v1/configs/tool_servers",
  );
  const current =
    ((await listed.json()) as { TOOL_SERVER_CONNECTIONS?: Array<Record<string, unknown>> }).TOOL_SERVER_CONNECTIONS ??
    [];
  const existing = current.find((c) => (c.info as { id?: unknown } | undefined)?.id === wanted.info.id);
  let clientInfo =
    existing?.url === wanted.url ? (existing.info as { oauth_client_info?: string }).oauth_client_info : undefined;
  const client = clientInfo ? ("kept" as const) : ("registered" as const);
  if (!clientInfo) {
    const path = "/api/v1/configs/oauth/clients/register?type=mcp";
    const registered = await call("POST", path, { url: wanted.url, client_id: wanted.info.id });
    if (!registered.ok)
      throw new Error(
        `Open WebUI could not register with the tool server's OAuth facade (${registered.status}: ${await openWebUI.detail(registered)}). The tool server needs GITHUB_OAUTH_CLIENT_ID set, TOOL_SERVER_PUBLIC_URL reachable from Open WebUI, and Open WebUI's address (its WEBUI_URL) in TOOL_SERVER_OAUTH_REDIRECT_ORIGINS.`,
      );
    clientInfo = ((await registered.json()) as { oauth_client_info: string }).oauth_client_info;
  }
  const connection = oauthToolServerConnection({ ...options.connection, oauthClientInfo: clientInfo });
  const result = await registerToolServer({ ...options, connection });
  return { ...result, client };
}
