import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Open WebUI's admin API for a user's groups (GET /api/v1/users/{id}/groups, admins only, routers/users.py),
 * strict: any other request, or one without the admin key, is recorded as unexpected and refused.
 */
export async function startOpenWebUIGroups(adminKey: string, groupsOf: Record<string, string[]>) {
  const asked: string[] = [];
  const unexpected: string[] = [];
  const server = createServer((req, res) => {
    const match = /^\/api\/v1\/users\/([^/?]+)\/groups\?include_inherited=true$/.exec(req.url ?? "");
    if (req.method !== "GET" || !match || req.headers.authorization !== `Bearer ${adminKey}`) {
      unexpected.push(`${req.method} ${req.url}`);
      res.writeHead(401, { "content-type": "application/json" }).end('{"detail":"Not authenticated"}');
      return;
    }
    const userId = decodeURIComponent(match[1]!);
    asked.push(userId);
    const groups = (groupsOf[userId] ?? []).map((name, i) => ({ id: `group-${i}`, name, user_id: "admin" }));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(groups));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    unexpected,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
