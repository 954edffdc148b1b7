import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll } from "vitest";
import { openRedisRelayStores } from "../../store/redis/open-redis-stores.ts";
import { openSqliteRelayStores } from "../../store/sqlite/open-sqlite-stores.ts";
import type { NewDelivery } from "../../store/delivery-log.ts";
import type { RelayStores } from "../../store/stores.ts";
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

/** Where one test keeps its state: each `open` is another process on that same state. */
export interface StorePlace {
  open(options: { now?: () => number }): Promise<RelayStores>;
  /** Removes the state (the folder, the key prefix); called once every store opened on it is closed. */
  remove(): Promise<void>;
}

/** A backend the contract suites (test/store/*.contract.test.ts) hold to the interfaces in store/. */
export interface ContractBackend {
  name: string;
  /** A fresh, empty place for one test. */
  place(): StorePlace;
}

/**
 * Every backend the contract suites run against. Call at the top level of a
 * test file (a backend may start a server in the file's hooks).
 */
export function contractBackends(): ContractBackend[] {
  const backends: ContractBackend[] = [
    {
      name: "SQLite",
      place() {
        const dataDir = mkdtempSync(join(tmpdir(), "store-"));
        return {
          open: ({ now }) => openSqliteRelayStores({ dataDir, ...(now ? { now } : {}) }),
          remove: async () => rmSync(dataDir, { recursive: true, force: true }),
        };
      },
    },
  ];
  if (redisServerAvailable()) backends.push(redisContractBackend());
  return backends;
}

/** Redis: one redis-server for the test file, a key prefix per test. */
function redisContractBackend(): ContractBackend {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    name: "Redis",
    place() {
      if (!server) throw new Error("redis-server has not started");
      const config = {
        url: server.url,
        prefix: `contract-${randomUUID()}`,
        connectTimeoutMs: 5_000,
        commandTimeoutMs: 5_000,
      };
      return {
        open: ({ now }) => openRedisRelayStores(config, now ? { now } : {}),
        async remove() {
          const redis = new Redis(config.url);
          try {
            for (let cursor = "0"; ;) {
              const [next, keys] = await redis.scan(cursor, "MATCH", `${config.prefix}:*`, "COUNT", 1000);
              if (keys.length > 0) await redis.del(...keys);
              cursor = next;
              if (cursor === "0") break;
            }
          } finally {
            await redis.quit();
          }
        },
      };
    },
  };
}

/**
 * Opens stores on a fresh place per test and closes them after it. `open()`
 * again in the same test is another process on the same state.
 */
export function useStores(backend: ContractBackend) {
  const opened: RelayStores[] = [];
  let place: StorePlace | undefined;
  afterEach(async () => {
    for (const stores of opened.splice(0)) await stores.close();
    await place?.remove();
    place = undefined;
  });
  return async function open(now?: () => number): Promise<RelayStores> {
    place ??= backend.place();
    const stores = await place.open(now ? { now } : {});
    opened.push(stores);
    return stores;
  };
}

/** A pending delivery whose GUID is its key unless given. */
export const newDelivery = (key: string, extra: Partial<NewDelivery> = {}): NewDelivery => ({
  key,
  deliveryId: key,
  event: "issues",
  action: "opened",
  status: "pending",
  payload: `{"n":"${key}"}`,
  ...extra,
});
