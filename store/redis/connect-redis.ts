import { Redis } from "ioredis";
import type { RedisConfig } from "../../config/read-redis-config.ts";

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

async function waitUntilReady(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  // The connection's own error (ECONNREFUSED, auth) says more than the command's "max retries".
  let connectionError: string | undefined;
  let lastError = "no answer";
  const onError = (error: Error) => (connectionError = error.message);
  redis.on("error", onError);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await redis.ping();
        return;
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (Date.now() > deadline)
        throw new Error(
          `cannot reach Redis at ${redactRedisUrl(url)} within ${Math.round(timeoutMs / 1000)} s: ${connectionError ?? lastError}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    redis.off("error", onError);
  }
}

/**
 * One connection, ready: waits up to the connect timeout (compose may start
 * Redis after us) and then fails with a message that names the URL without its password.
 */
export async function connectRedis(config: RedisConfig): Promise<Redis> {
  const redis = new Redis(config.url, {
    lazyConnect: true,
    connectTimeout: Math.min(config.connectTimeoutMs, 10_000),
    commandTimeout: config.commandTimeoutMs,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    // Fail a command after one reconnect instead of queueing it for ever; callers retry or answer 5xx.
    maxRetriesPerRequest: 1,
    // Commands from one turn of the event loop go out as one write (and, with appendfsync always, share one fsync).
    enableAutoPipelining: true,
  });
  // Connection errors surface as failed commands; without a listener ioredis would print each one.
  redis.on("error", () => {});
  try {
    await redis.connect().catch(() => {});
    await waitUntilReady(redis, config.url, config.connectTimeoutMs);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

/** Closes politely when Redis answers, at once when it does not. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status !== "ready") redis.disconnect();
  else await redis.quit().catch(() => redis.disconnect());
}
