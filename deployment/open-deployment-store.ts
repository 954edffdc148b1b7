import type { Logger } from "../lib/logger.ts";
import type { RedisConfig } from "../config/read-redis-config.ts";
import { createRedisStore } from "../store/redis-store.ts";
import { createSqliteStore } from "../store/sqlite-store.ts";
import type { Store } from "../store/store.ts";

/**
 * REDIS_URL set: the store shared by every replica, in Redis; otherwise the
 * embedded SQLite file in DATA_DIR. A Redis that cannot be reached within
 * REDIS_CONNECT_TIMEOUT_MS stops startup with exit status 69 (unavailable):
 * not a configuration error, and a supervisor's restart may well fix it.
 */
export async function openDeploymentStore(config: { dataDir: string; redis: RedisConfig | null }, logger: Logger): Promise<Store> {
  if (!config.redis) return createSqliteStore({ dataDir: config.dataDir });
  try {
    const store = await createRedisStore(config.redis);
    const { persistence } = store;
    if (!persistence) {
      logger.warn("could not read Redis's persistence settings (CONFIG GET refused); acknowledged deliveries are as safe as Redis's persistence is", {});
    } else if (persistence.appendonly !== "yes" || persistence.appendfsync !== "always") {
      logger.warn("Redis does not write every change to disk before answering: acknowledged deliveries can be lost if Redis crashes. Set appendonly yes and appendfsync always (or everysec, risking up to a second)", { ...persistence });
    }
    logger.info("store: Redis", { prefix: config.redis.prefix, ...(persistence ?? {}) });
    return store;
  } catch (error) {
    process.stderr.write(`openwebui-github cannot start: ${(error as Error).message}\nCheck REDIS_URL, and that Redis is running and reachable from here.\n`);
    process.exit(69);
  }
}
