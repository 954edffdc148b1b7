import { afterAll, beforeAll } from "vitest";
import { redisServerAvailable, startRedisServer, type RedisServer } from "../../stand-ins/redis-server.ts";

export interface StoreBackend {
  name: string;
  /** Options for startSystem: none for SQLite, the Redis URL for Redis (read once the file's hooks ran). */
  options(): { redisUrl?: string };
}

/**
 * SQLite, and Redis when redis-server is here: one redis-server for the whole
 * test file (each system takes its own key prefix), started and stopped by
 * the file's hooks. Call at the top level of a test file.
 */
export function storeBackends(): StoreBackend[] {
  const backends: StoreBackend[] = [{ name: "SQLite", options: () => ({}) }];
  if (!redisServerAvailable()) return backends;
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  backends.push({
    name: "Redis",
    options: () => {
      if (!server) throw new Error("redis-server has not started");
      return { redisUrl: server.url };
    },
  });
  return backends;
}
