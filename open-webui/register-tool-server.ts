import { createOpenWebUIRequest } from "./open-webui-request.ts";
import type { oauthToolServerConnection } from "./oauth-tool-server-connection.ts";
import { requireSupportedVersion } from "./open-webui-version.ts";
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
  openWebUIVersion: string;
  tools: string[];
  connections: number;
}

/**
 * Adds our tool server to Open WebUI's global tool servers, or updates it in
 * place: the config endpoint replaces the whole list, so the list is read,
 * our entry upserted by its kind and info.id, and written back. Saving also makes Open
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

  // Outside the tested range the tool contract may differ (version-compat.ts): refuse before changing anything.
  const openWebUIVersion = await requireSupportedVersion(openWebUI, options.timeoutMs);

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

  // Open WebUI fetches the spec (or lists the MCP tools) itself: this proves it can reach the tool server with this key.
  const verified = await call("POST", "/api/v1/configs/tool_servers/verify", options.connection);
  if (!verified.ok) {
    throw new Error(
      `Open WebUI cannot reach the tool server at ${whereVerified(options.connection)} (${verified.status}: ${await detail(verified)}). TOOL_SERVER_URL must be the address Open WebUI (not this machine) uses, and the tool server must be running.`,
    );
  }
  const tools = toolNames(await verified.json());

  const index = current.findIndex((c) => sameConnection(c, options.connection));
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
  return { action: index >= 0 ? "updated" : "created", openWebUIVersion, tools, connections: next.length };
}

function whereVerified(connection: Connection) {
  return connection.type === "mcp" ? connection.url : `${connection.url}/${connection.path}`;
}

/** The tool names in verify's answer: an OpenAPI document's operationIds, or MCP's listing (`specs`). */
function toolNames(answer: unknown): string[] {
  const { paths, specs } = answer as {
    paths?: Record<string, Record<string, { operationId?: string }>>;
    specs?: Array<{ name?: string }>;
  };
  const names = specs
    ? specs.map((spec) => spec.name)
    : Object.values(paths ?? {}).flatMap((item) => Object.values(item).map((op) => op.operationId));
  return names.filter((name): name is string => typeof name === "string");
}

// Open WebUI keys tool ids by kind and id (server:github, server:mcp:github), so both kinds may share an id.
function sameConnection(stored: Record<string, unknown>, ours: Connection) {
  const kind = typeof stored.type === "string" ? stored.type : "openapi";
  return kind === ours.type && (stored.info as { id?: unknown } | undefined)?.id === ours.info.id;
}
