import type { RedisConfig } from "../read-redis-config.ts";
import type { RelayStores, ToolServerStores } from "../stores.ts";

// A placeholder with the Redis backend's signatures (the store-redis branch writes this file): it keeps
// the callers compiling here, and says so rather than running on the old store.
export interface RedisPersistence {
  appendonly: string;
  appendfsync: string;
}

export async function openRedisRelayStores(_config: RedisConfig, _options: { now?: () => number } = {}): Promise<RelayStores & { persistence: RedisPersistence | null }> {
  throw new Error("the Redis store on the split interfaces is not implemented yet");
}

export async function openRedisToolServerStores(_config: RedisConfig, _options: { now?: () => number } = {}): Promise<ToolServerStores> {
  throw new Error("the Redis store on the split interfaces is not implemented yet");
}
