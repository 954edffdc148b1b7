import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { redisScripts, type RedisScriptName } from "./redis-scripts.ts";
import type { DeliveryRecord, DeliveryStatus, RunRecord, Store, WriteLimit } from "./store.ts";

export interface RedisStoreOptions {
  url: string;
  /** Every key starts with `<prefix>:`, so deployments can share one Redis. */
  prefix: string;
  /** How long a starting service waits for Redis (compose may start Redis after us). */
  connectTimeoutMs: number;
  /** Longest wait for one answer; past it the operation fails and is retried by its caller. */
  commandTimeoutMs: number;
  /** A replica whose heartbeat is older than this is taken for dead: its running deliveries go to others. */
  livenessMs: number;
  /** A fixed clock for tests; by default Redis's own, which every replica shares. */
  now?: () => number;
}

export interface RedisPersistence {
  appendonly: string;
  appendfsync: string;
}

export type RedisStore = Store & {
  /** Redis's AOF settings, or null when the server refuses CONFIG GET (managed services). */
  persistence: RedisPersistence | null;
};

const statuses: DeliveryStatus[] = ["pending", "running", "done", "failed", "ignored", "dead"];
// Same stretch as the SQLite store: GitHub counts a comment when it arrives, not when its slot was taken.
const windowSlack = 1.2;

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

function fromHash(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

const text = (value: string | undefined) => value ?? null;
const int = (value: string | undefined) => (value === undefined ? null : Number(value));

function toDelivery(flat: string[] | null): DeliveryRecord | undefined {
  if (!flat || flat.length === 0) return undefined;
  const f = fromHash(flat);
  return {
    key: f.key!,
    deliveryId: f.delivery_id!,
    event: f.event!,
    action: text(f.action),
    status: f.status as DeliveryStatus,
    reason: text(f.reason),
    repository: text(f.repository),
    issueNumber: int(f.issue_number),
    payload: text(f.payload),
    attempts: Number(f.attempts ?? 0),
    receivedAt: Number(f.received_at),
    updatedAt: Number(f.updated_at),
    chatId: text(f.chat_id),
    commentUrl: text(f.comment_url),
    lastError: text(f.last_error),
    nextAttemptAt: int(f.next_attempt_at),
    startedAt: int(f.started_at),
    finishedAt: int(f.finished_at),
  };
}

function toRun(f: Record<string, string>): RunRecord | undefined {
  if (!f.chat_id) return undefined;
  return {
    chatId: f.chat_id,
    deliveryKey: f.delivery_key!,
    deliveryId: f.delivery_id!,
    owner: f.owner!,
    repo: f.repo!,
    issueNumber: Number(f.issue_number),
    messageId: f.message_id!,
    commentId: int(f.comment_id),
    commentUrl: text(f.comment_url),
    createdAt: Number(f.created_at),
  };
}

async function waitUntilReady(redis: Redis, url: string, timeoutMs: number) {
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
      if (Date.now() > deadline) throw new Error(`cannot reach Redis at ${redactRedisUrl(url)} within ${Math.round(timeoutMs / 1000)} s: ${connectionError ?? lastError}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    redis.off("error", onError);
  }
}

/**
 * The store in Redis, shared by every relay and tool server replica that uses
 * the same URL and prefix. Deliveries are acknowledged once Redis answered the
 * write: as durable as Redis's persistence (see `persistence`).
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  const p = options.prefix;
  const owner = randomUUID();
  const redis = new Redis(options.url, {
    lazyConnect: true,
    connectTimeout: Math.min(options.connectTimeoutMs, 10_000),
    commandTimeout: options.commandTimeoutMs,
    // Fail a command after one reconnect instead of queueing it for ever; callers retry or answer 5xx.
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    // Commands from one turn of the event loop go out as one write (and, with appendfsync always, share one fsync).
    enableAutoPipelining: true,
  });
  // Connection errors surface as failed commands; without a listener ioredis would print each one.
  redis.on("error", () => {});
  try {
    await redis.connect().catch(() => {});
    await waitUntilReady(redis, options.url, options.connectTimeoutMs);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  for (const [name, lua] of Object.entries(redisScripts)) redis.defineCommand(name, { numberOfKeys: 0, lua });

  const clock = () => (options.now ? String(options.now()) : "");
  const run = <T>(name: RedisScriptName, ...args: Array<string | number>): Promise<T> =>
    (redis as unknown as Record<string, (...a: Array<string | number>) => Promise<T>>)[name]!(p, clock(), ...args);

  // The heartbeat tells other replicas this one is alive; deliveries it runs stay its own.
  const heartbeat = () => redis.set(`${p}:alive:${owner}`, "1", "PX", options.livenessMs);
  await heartbeat();
  const heartbeatTimer = setInterval(() => void heartbeat().catch(() => {}), Math.max(Math.floor(options.livenessMs / 3), 100));
  heartbeatTimer.unref();

  let persistence: RedisPersistence | null = null;
  try {
    const [appendonly, appendfsync] = await Promise.all([redis.config("GET", "appendonly"), redis.config("GET", "appendfsync")]);
    persistence = { appendonly: String((appendonly as string[])[1]), appendfsync: String((appendfsync as string[])[1]) };
  } catch {
    persistence = null;
  }

  return {
    persistence,
    async addDelivery(delivery) {
      const { payload, ...rest } = delivery;
      return { inserted: (await run<number>("addDelivery", JSON.stringify(rest), payload ?? "")) === 1 };
    },
    async getDelivery(key) {
      return toDelivery(await redis.hgetall(`${p}:d:${key}`).then((h) => Object.entries(h).flat()));
    },
    async getDeliveryById(deliveryId) {
      return toDelivery(await run<string[] | null>("getDeliveryById", deliveryId));
    },
    async claimDelivery(leaseMs) {
      return toDelivery(await run<string[] | null>("claimDelivery", leaseMs, owner));
    },
    async finishDelivery(key, outcome) {
      await run("finishDelivery", key, JSON.stringify(outcome));
    },
    async retryDelivery(key, next) {
      await run("retryDelivery", key, next.error, next.at);
    },
    async replayDelivery(deliveryId) {
      return toDelivery(await run<string[] | null>("replayDelivery", deliveryId));
    },
    async listDeliveries(filter) {
      const keys = await redis.zrevrange(filter.status ? `${p}:s:${filter.status}` : `${p}:all`, 0, filter.limit - 1);
      const hashes = await Promise.all(keys.map((key) => redis.hgetall(`${p}:d:${key}`)));
      return hashes.map((h) => toDelivery(Object.entries(h).flat())).filter((d): d is DeliveryRecord => d !== undefined);
    },
    async releaseRunning() {
      return run<number>("releaseRunning", owner);
    },
    async releaseDelivery(key) {
      await run("releaseDelivery", key);
    },
    async countByStatus() {
      const counts = await Promise.all(statuses.map((s) => redis.zcard(`${p}:s:${s}`)));
      return Object.fromEntries(statuses.map((s, i) => [s, counts[i]!])) as Record<DeliveryStatus, number>;
    },
    async reserveWrite(limits: readonly WriteLimit[], reserveOptions) {
      if (limits.length === 0) return { ok: true };
      const pairs = limits.flatMap((l) => [l.max, Math.ceil(l.windowMs * windowSlack)]);
      const wait = await run<number>("reserveWrite", reserveOptions?.peek ? "1" : "0", ...pairs);
      return wait === 0 ? { ok: true } : { ok: false, retryInMs: wait };
    },
    async deferDelivery(key, at) {
      await run("deferDelivery", key, at);
    },
    async tryLock(name, lockOwner, ttlMs) {
      return (await run<number>("tryLock", name, lockOwner, ttlMs)) === 1;
    },
    async unlock(name, lockOwner) {
      await run("unlock", name, lockOwner);
    },
    async addRun(record) {
      await run("addRun", JSON.stringify(record));
    },
    async getRun(chatId) {
      return toRun(await redis.hgetall(`${p}:run:${chatId}`));
    },
    async setRunComment(chatId, comment) {
      await run("setRunComment", chatId, comment.id, comment.url);
    },
    async close() {
      clearInterval(heartbeatTimer);
      if (redis.status !== "ready") {
        redis.disconnect();
        return;
      }
      // Gone at once rather than after the heartbeat lapses: what this replica left running is free for others.
      await redis.del(`${p}:alive:${owner}`).catch(() => {});
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
