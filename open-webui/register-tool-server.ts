import { createOpenWebUIRequest } from "./open-webui-request.ts";
import type { oauthToolServerConnection } from "./oauth-tool-server-connection.ts";
import type { openWebUIConnection } from "./tool-server-connection.ts";

export type Connection = ReturnType<typeof openWebUIConnection> | ReturnType<typeof oauthToolServerConnection>;

export interface RegisterOptions {
  openWebUIUrl: string;
  apiKey: string;
  connection: Connection;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** false: overwrite the connection's access settings (a group was given). */
  keepAccess?: boolean;
}

export interface RegisterResult {
  action: "created" | "updated";
  tools: string[];
  connections: number;
}

/**
 * Adds our tool server to Open WebUI's global tool servers, or updates it in
 * place: the config endpoint replaces the whole list, so the list is read,
 * our entry upserted by info.id, and written back. Saving also makes Open
 * WebUI fetch the spec again, which is how a changed spec is picked up.
 */
export async function registerToolServer(options: RegisterOptions): Promise<RegisterResult> {
  const openWebUI = createOpenWebUIRequest({
    baseUrl: options.openWebUIUrl,
    apiKey: options.apiKey,
    unreachableHint: "Check OPENWEBUI_URL and that Open WebUI is running.",
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const call = (method: string, path: string, body?: unknown) =>
    openWebUI.send(method, path, { body, timeoutMs: options.timeoutMs });
  const detail = (response: Response) => openWebUI.detail(response);

  const listed = await call("GET", "/api/v1/configs/tool_servers");
  if (listed.status === 401 || listed.status === 403) {
    throw new Error(
      `Open WebUI refused OPENWEBUI_API_KEY for its admin settings (${listed.status}): registration needs an admin's API key, and ENABLE_API_KEYS=true.`,
    );
  }
  await openWebUI.ok(listed, "GET", "/api/v1/configs/tool_servers");
  const current =
    ((await listed.json()) as { TOOL_SERVER_CONNECTIONS?: Array<Record<string, unknown>> }).TOOL_SERVER_CONNECTIONS ??
    [];

  // Open WebUI fetches the spec itself: this proves it can reach the tool server with this key.
  const verified = await call("POST", "/api/v1/configs/tool_servers/verify", options.connection);
  if (!verified.ok) {
    throw new Error(
      `Open WebUI cannot reach the tool server at ${options.connection.url}/${options.connection.path} (${verified.status}: ${await detail(verified)}). TOOL_SERVER_URL must be the address Open WebUI (not this machine) uses, and the tool server must be running.`,
    );
  }
  const spec = (await verified.json()) as { paths?: Record<string, Record<string, { operationId?: string }>> };
  const tools = Object.values(spec.paths ?? {}).flatMap((item) =>
    Object.values(item)
      .map((op) => op.operationId)
      .filter((id): id is string => typeof id === "string"),
  );

  const id = options.connection.info.id;
  const index = current.findIndex((c) => (c.info as { id?: unknown } | undefined)?.id === id);
  const next = [...current];
  if (index >= 0) {
    // Keep what an admin may have changed in Open WebUI (who may use it, whether it is on, filters)
    // unless this run sets access explicitly.
    const existing = current[index]!;
    const keptConfig = {
      ...options.connection.config,
      ...((existing.config as Record<string, unknown> | undefined) ?? {}),
    };
    next[index] = {
      ...existing,
      ...options.connection,
      config: options.keepAccess === false ? options.connection.config : keptConfig,
    };
  } else next.push(options.connection);

  const saved = await call("POST", "/api/v1/configs/tool_servers", { TOOL_SERVER_CONNECTIONS: next });
  if (!saved.ok) throw new Error(`Open WebUI did not save the tool server (${saved.status}): ${await detail(saved)}`);
  return { action: index >= 0 ? "updated" : "created", tools, connections: next.length };
}
