import { HttpError } from "../lib/http-error.ts";
import { createOpenWebUIRequest } from "./open-webui-request.ts";

export interface UserGroupsOptions {
  baseUrl: string;
  /** An Open WebUI admin's API key: GET /api/v1/users/{id}/groups is for admins only. */
  apiKey: string;
  timeoutMs: number;
  /** How long a person's groups are kept before asking again. */
  cacheMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * A verified user's Open WebUI groups (inherited ones included), asked of Open WebUI's admin API and
 * kept a while. The caller never says which groups it is in: it can only name its user id, which the
 * signed JWT vouches for, so holding the tool key does not let anyone join a group.
 */
export function createUserGroups(options: UserGroupsOptions) {
  const request = createOpenWebUIRequest({ baseUrl: options.baseUrl, apiKey: options.apiKey, fetch: options.fetch });
  const now = options.now ?? Date.now;
  const cache = new Map<string, { groups: readonly string[]; until: number }>();

  async function ask(userId: string): Promise<readonly string[]> {
    const path = `/api/v1/users/${encodeURIComponent(userId)}/groups?include_inherited=true`;
    const response = await request.ok(await request.send("GET", path, { timeoutMs: options.timeoutMs }), "GET", path);
    const body = (await response.json()) as unknown;
    if (!Array.isArray(body)) throw new Error(`Open WebUI answered GET ${path} with something other than a list`);
    return body.flatMap((group: { name?: unknown }) => (typeof group?.name === "string" ? [group.name.trim()] : []));
  }

  return async function userGroups(userId: string): Promise<readonly string[]> {
    const kept = cache.get(userId);
    if (kept && kept.until > now()) return kept.groups;
    let groups: readonly string[];
    try {
      groups = await ask(userId);
    } catch (error) {
      throw new HttpError(
        503,
        "Could not ask Open WebUI which groups the user is in, so what they may do is unknown right now. Tell the user to try again in a minute; do not retry right away.",
        { cause: error },
      );
    }
    // Bounded: one entry per person who called within cacheMs, dropped when stale.
    for (const [id, entry] of cache) if (entry.until <= now()) cache.delete(id);
    cache.set(userId, { groups, until: now() + options.cacheMs });
    return groups;
  };
}

export type UserGroups = ReturnType<typeof createUserGroups>;
