import type { RedisConfig } from "../read-redis-config.ts";
import type { RelayStores, ToolServerStores } from "../stores.ts";

// A placeholder until the Redis backend on the split interfaces lands (another branch writes this
// file): it keeps the callers compiling, and says so rather than running on the old store.
export async function openRedisRelayStores(_config: RedisConfig, _options?: { now?: () => number }): Promise<RelayStores> {
  throw new Error("the Redis store on the split interfaces is not implemented yet");
}

export async function openRedisToolServerStores(_config: RedisConfig, _options?: { now?: () => number }): Promise<ToolServerStores> {
  throw new Error("the Redis store on the split interfaces is not implemented yet");
}
