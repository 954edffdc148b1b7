import { HttpError } from "../lib/http-error.ts";
import type { openWebUIConnection } from "./open-webui-connection.ts";

export type Connection = ReturnType<typeof openWebUIConnection>;

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
  const doFetch = options.fetch ?? fetch;
  const base = options.openWebUIUrl.replace(/\/+$/, "");

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await doFetch(base + path, {
        method,
        headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json", accept: "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new HttpError(502, `Open WebUI is not reachable at ${base} (${(error as Error).name === "TimeoutError" ? "timed out" : "connection failed"}). Check OPENWEBUI_URL and that Open WebUI is running.`, { cause: error });
    }
  }

  async function detail(response: Response) {
    const text = await response.text();
    try {
      const parsed = JSON.parse(text) as { detail?: unknown };
      return typeof parsed.detail === "string" ? parsed.detail : text.slice(0, 300);
    } catch {
      return text.slice(0, 300);
    }
  }

  const listed = await call("GET", "/api/v1/configs/tool_servers");
  if (listed.status === 401 || listed.status === 403) {
    throw new HttpError(403, `Open WebUI refused OPENWEBUI_API_KEY for its admin settings (${listed.status}): registration needs an admin's API key, and ENABLE_API_KEYS=true.`);
  }
  if (!listed.ok) throw new HttpError(502, `Open WebUI answered ${listed.status} to GET /api/v1/configs/tool_servers: ${await detail(listed)}`);
  const current = ((await listed.json()) as { TOOL_SERVER_CONNECTIONS?: Array<Record<string, unknown>> }).TOOL_SERVER_CONNECTIONS ?? [];

  // Open WebUI fetches the spec itself: this proves it can reach the tool server with this key.
  const verified = await call("POST", "/api/v1/configs/tool_servers/verify", options.connection);
  if (!verified.ok) {
    throw new HttpError(
      502,
      `Open WebUI cannot reach the tool server at ${options.connection.url}/${options.connection.path} (${verified.status}: ${await detail(verified)}). TOOL_SERVER_URL must be the address Open WebUI (not this machine) uses, and the tool server must be running.`,
    );
  }
  const spec = (await verified.json()) as { paths?: Record<string, Record<string, { operationId?: string }>> };
  const tools = Object.values(spec.paths ?? {}).flatMap((item) => Object.values(item).map((op) => op.operationId).filter((id): id is string => typeof id === "string"));

  const id = options.connection.info.id;
  const index = current.findIndex((c) => (c.info as { id?: unknown } | undefined)?.id === id);
  const next = [...current];
  if (index >= 0) {
    // Keep what an admin may have changed in Open WebUI (who may use it, whether it is on, filters)
    // unless this run sets access explicitly.
    const existing = current[index]!;
    const keptConfig = { ...options.connection.config, ...((existing.config as Record<string, unknown> | undefined) ?? {}) };
    next[index] = { ...existing, ...options.connection, config: options.keepAccess === false ? options.connection.config : keptConfig };
  }
  else next.push(options.connection);

  const saved = await call("POST", "/api/v1/configs/tool_servers", { TOOL_SERVER_CONNECTIONS: next });
  if (!saved.ok) throw new HttpError(502, `Open WebUI did not save the tool server (${saved.status}): ${await detail(saved)}`);
  return { action: index >= 0 ? "updated" : "created", tools, connections: next.length };
}
