import type { Logger } from "../lib/logger.ts";
import type { RedisConfig } from "../config/read-redis-config.ts";
import { openRedisRelayStores, openRedisToolServerStores } from "../store/redis/open-redis-stores.ts";
import { openSqliteRelayStores, openSqliteToolServerStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores, ToolServerStores } from "../store/stores.ts";

interface StoreConfig {
  dataDir: string;
  redis: RedisConfig | null;
  /** The relay's: whether a done delivery keeps its whole payload. */
  retention?: { keepDonePayloads: boolean };
}

/**
 * A Redis that cannot be reached within REDIS_CONNECT_TIMEOUT_MS stops startup with exit status 69
 * (unavailable, which bin/ exits with): not a configuration error, and a supervisor's restart may well fix it.
 */
async function openRedis<T>(redis: RedisConfig, open: (config: RedisConfig) => Promise<T>): Promise<T> {
  try {
    return await open(redis);
  } catch (error) {
    throw Object.assign(
      new Error(`${(error as Error).message}\nCheck REDIS_URL, and that Redis is running and reachable from here.`, {
        cause: error,
      }),
      { exitCode: 69 },
    );
  }
}

/** REDIS_URL set: the stores shared by every replica, in Redis; otherwise the embedded SQLite file in DATA_DIR. */
export async function openRelayStores(config: StoreConfig, logger: Logger): Promise<RelayStores> {
  const keepDonePayloads = config.retention?.keepDonePayloads ?? false;
  if (!config.redis) return openSqliteRelayStores({ dataDir: config.dataDir, keepDonePayloads });
  const stores = await openRedis(config.redis, (redis) => openRedisRelayStores(redis, { keepDonePayloads }));
  const { persistence } = stores;
  if (!persistence) {
    logger.warn(
      "could not read Redis's persistence settings (CONFIG GET refused); acknowledged deliveries are as safe as Redis's persistence is",
      {},
    );
  } else if (persistence.appendonly !== "yes" || persistence.appendfsync !== "always") {
    logger.warn(
      "Redis does not write every change to disk before answering: acknowledged deliveries can be lost if Redis crashes. Set appendonly yes and appendfsync always (or everysec, risking up to a second)",
      { ...persistence },
    );
  }
  logger.info("store: Redis", { prefix: config.redis.prefix, ...(persistence ?? {}) });
  return stores;
}

/** The tool server's part of the same stores: runs and coordination. */
export async function openToolServerStores(config: StoreConfig, logger: Logger): Promise<ToolServerStores> {
  if (!config.redis) return openSqliteToolServerStores({ dataDir: config.dataDir });
  const stores = await openRedis(config.redis, (redis) => openRedisToolServerStores(redis));
  logger.info("store: Redis", { prefix: config.redis.prefix });
  return stores;
}
