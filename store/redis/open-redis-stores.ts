/**
 * The store on Redis: our own keys under the configured prefix, changed only
 * by our own Lua scripts (delivery-scripts.ts, coordination-scripts.ts), with
 * no BullMQ and no Redis Streams. Why: the lease model has to mean the same on
 * SQLite and Redis and be testable with an injected clock, so leases are data
 * (a token and an expiry the scripts compare with the client's clock), not
 * stream idle times on Redis's clock; and delayed retries would have needed a
 * sorted set beside a stream anyway. Each change is one script, so it and every
 * index it touches happen together across replicas, in one round trip (storing
 * a delivery included). Times come from the client's clock, passed to every
 * script: replicas need synchronised clocks. Deliveries are acknowledged once
 * Redis answered: as durable as its persistence (see `persistence`).
 */
import type { Redis } from "ioredis";
import type { RedisConfig } from "../../config/read-redis-config.ts";
import type { RelayStores, ToolServerStores } from "../stores.ts";
import { closeRedis, connectRedis } from "./connect-redis.ts";
import { coordinationScripts } from "./coordination-scripts.ts";
import { defineScripts } from "./define-scripts.ts";
import { deliveryScripts } from "./delivery-scripts.ts";
import { createRedisCoordination } from "./redis-coordination.ts";
import { createRedisDeliveryLog } from "./redis-delivery-log.ts";
import { createRedisDeliveryQueue } from "./redis-delivery-queue.ts";
import { createRedisRunStore } from "./redis-run-store.ts";
import { createRedisObservationStore } from "./redis-observation-store.ts";
import { observationScripts } from "./observation-scripts.ts";

export interface RedisPersistence {
  appendonly: string;
  appendfsync: string;
}

/** Redis's AOF settings, or null when the server refuses CONFIG GET (managed services). */
async function readPersistence(redis: Redis): Promise<RedisPersistence | null> {
  try {
    const [appendonly, appendfsync] = await Promise.all([
      redis.config("GET", "appendonly"),
      redis.config("GET", "appendfsync"),
    ]);
    return { appendonly: String((appendonly as string[])[1]), appendfsync: String((appendfsync as string[])[1]) };
  } catch {
    return null;
  }
}

/** Everything the relay keeps, over one connection. */
export async function openRedisRelayStores(
  config: RedisConfig,
  /** keepDonePayloads: see SqliteStoreOptions. */
  options: { now?: () => number; keepDonePayloads?: boolean } = {},
): Promise<RelayStores & { persistence: RedisPersistence | null }> {
  const now = options.now ?? Date.now;
  const redis = await connectRedis(config);
  const run = defineScripts(redis, config.prefix, now, {
    ...deliveryScripts,
    ...coordinationScripts,
    ...observationScripts,
  });
  return {
    deliveries: createRedisDeliveryLog(redis, config.prefix, run),
    queue: createRedisDeliveryQueue(run, now, { keepDonePayloads: options.keepDonePayloads ?? false }),
    runs: createRedisRunStore(redis, config.prefix, run),
    coordination: createRedisCoordination(run, now),
    observations: createRedisObservationStore(redis, config.prefix, run, now),
    persistence: await readPersistence(redis),
    close: () => closeRedis(redis),
  };
}

/** What the tool server uses: runs and coordination, over one plain connection. */
export async function openRedisToolServerStores(
  config: RedisConfig,
  options: { now?: () => number } = {},
): Promise<ToolServerStores> {
  const now = options.now ?? Date.now;
  const redis = await connectRedis(config);
  const run = defineScripts(redis, config.prefix, now, { ...coordinationScripts, ...observationScripts });
  return {
    runs: createRedisRunStore(redis, config.prefix, run),
    coordination: createRedisCoordination(run, now),
    observations: createRedisObservationStore(redis, config.prefix, run, now),
    close: () => closeRedis(redis),
  };
}
