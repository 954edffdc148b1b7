import { randomUUID } from "node:crypto";
import { Queue, Worker, type Job, type JobState } from "bullmq";
import { Redis } from "ioredis";
import { redisScripts, type RedisScriptName } from "./redis-scripts.ts";
import type { DeliveryOutcome, DeliveryRecord, DeliveryStatus, RunRecord, Store, WriteLimit } from "./store.ts";

export interface RedisStoreOptions {
  url: string;
  /** Every key starts with `<prefix>:`, so deployments can share one Redis. */
  prefix: string;
  /** How long a starting service waits for Redis (compose may start Redis after us). */
  connectTimeoutMs: number;
  /** Longest wait for one answer; past it the operation fails and is retried by its caller. */
  commandTimeoutMs: number;
  /**
   * How long a claimed delivery's lock lasts without renewal: a replica that stops renewing (killed) has its
   * running deliveries moved back to the queue by BullMQ's stalled check within about this plus a third of it.
   */
  livenessMs: number;
  /**
   * A fixed clock for tests (timestamps this store writes; BullMQ itself reads Date.now()). By default the
   * machine's clock for deliveries, which BullMQ uses, and Redis's own for the comment budget and locks.
   */
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

// Same stretch as the SQLite store: GitHub counts a comment when it arrives, not when its slot was taken.
const windowSlack = 1.2;

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

const text = (value: string | undefined) => value ?? null;
const int = (value: string | undefined) => (value === undefined || value === "" ? null : Number(value));

/** What a delivery's job carries in its data: fixed at the add, never changed. */
interface JobData {
  /** Unique per add call: the add whose nonce is stored is the one that inserted (BullMQ answers a duplicate add with the same job id). */
  nonce: string;
  key: string;
  deliveryId: string;
  event: string;
  action: string | null;
  reason?: string;
  repository?: string;
  issueNumber?: number;
}

/**
 * Job ids: BullMQ refuses ":" (its key separator) and ids that are integers, and delivery keys are
 * "<hook id>:<GUID>"; escaping "%" and ":" and a "d-" in front keep the mapping one to one.
 */
const jobIdOf = (key: string) => `d-${key.replaceAll("%", "%25").replaceAll(":", "%3A")}`;

/**
 * The delivery from its job's hash. The job is the record: data holds what arrived; BullMQ's state says
 * pending / running / finished; BullMQ's `ats` (attempts started, counted atomically when a job is
 * claimed, also when its process then died) less `owg_uncounted` (claims deferred before they began) is
 * our attempt count. Fields named owg_* are ours, in the same hash: BullMQ keeps fields it does not know.
 * The payload is the one part kept beside the job (see addDelivery).
 */
function toDelivery(h: Record<string, string>, state: JobState | "unknown", payload: string | null): DeliveryRecord | undefined {
  if (!h.data || state === "unknown") return undefined;
  const data = JSON.parse(h.data) as JobData;
  let status: DeliveryStatus;
  if (state === "active") status = "running";
  else if (state === "completed") status = h.owg_status === "ignored" ? "ignored" : "done";
  else if (state === "failed") status = h.owg_status === "dead" ? "dead" : "failed";
  else status = "pending";
  return {
    key: data.key,
    deliveryId: data.deliveryId,
    event: data.event,
    action: data.action ?? null,
    status,
    reason: h.owg_reason !== undefined ? (JSON.parse(h.owg_reason) as string | null) : (data.reason ?? null),
    repository: data.repository ?? null,
    issueNumber: data.issueNumber ?? null,
    payload,
    attempts: Math.max(Number(h.ats ?? 0) - Number(h.owg_uncounted ?? 0), 0),
    receivedAt: Number(h.timestamp),
    updatedAt: Number(h.owg_updated_at ?? h.timestamp),
    chatId: text(h.owg_chat_id),
    commentUrl: text(h.owg_comment_url),
    lastError: text(h.owg_last_error),
    nextAttemptAt: int(h.owg_next_attempt_at),
    startedAt: int(h.owg_started_at),
    finishedAt: int(h.owg_finished_at),
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

/** A delivery this process claimed: BullMQ's job and the token its lock is held with. */
interface Held {
  job: Job;
  token: string;
  /** When the lease ends (this process's clock): the lock is renewed until then, not after. */
  until: number;
}

/**
 * The store in Redis through BullMQ, shared by every relay and tool server
 * replica that uses the same URL and prefix. Each delivery is one BullMQ job
 * (id from its key) in the queue "deliveries": adding it is BullMQ's one
 * atomic add, which also dedupes, so nothing beside the job has to be kept in
 * step for an acknowledged delivery to be run exactly as often as it should.
 * Deliveries are acknowledged once Redis answered the add: as durable as
 * Redis's persistence (see `persistence`).
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  const p = options.prefix;
  const queueName = "deliveries";
  const now = options.now ?? Date.now;
  const connection = (extra: { maxRetriesPerRequest: number | null }) =>
    new Redis(options.url, {
      lazyConnect: true,
      connectTimeout: Math.min(options.connectTimeoutMs, 10_000),
      commandTimeout: options.commandTimeoutMs,
      retryStrategy: (times) => Math.min(times * 100, 1_000),
      // Commands from one turn of the event loop go out as one write (and, with appendfsync always, share one fsync).
      enableAutoPipelining: true,
      ...extra,
    });
  // Fail a command after one reconnect instead of queueing it for ever; callers retry or answer 5xx.
  const redis = connection({ maxRetriesPerRequest: 1 });
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

  const queue = new Queue(queueName, { connection: redis, prefix: p });
  // BullMQ wants its worker's connection never to give up on a command (maxRetriesPerRequest null); commandTimeout still bounds each.
  const workerRedis = connection({ maxRetriesPerRequest: null });
  workerRedis.on("error", () => {});
  const worker = new Worker(queueName, null, {
    connection: workerRedis,
    prefix: p,
    // Jobs are pulled one at a time by claimDelivery (relay/worker.ts decides when), never processed by BullMQ.
    autorun: false,
    // The lock is the liveness: renewed while this process lives and the lease lasts, lapsing soon after a kill.
    lockDuration: options.livenessMs,
    stalledInterval: Math.max(Math.floor(options.livenessMs / 3), 250),
    // Past this many stalls BullMQ marks a job for failure, which only its own processing loop (not used here)
    // carries out. Attempts are ours to count (a stall is a started attempt, BullMQ's `ats`), and relay/worker.ts
    // dead-letters past RELAY_MAX_ATTEMPTS at the next claim; so the limit is out of the way and no mark is left.
    maxStalledCount: 1_000_000_000,
  });
  queue.on("error", () => {});
  worker.on("error", () => {});
  await worker.startStalledCheckTimer();

  const held = new Map<string, Held>();
  const renew = async () => {
    const at = Date.now();
    await Promise.all(
      [...held.values()].map(async (h) => {
        const left = h.until - at;
        // Past its lease a run is presumed stuck: the lock lapses and the stalled check gives the job to someone else.
        if (left > 0) await h.job.extendLock(h.token, Math.min(options.livenessMs, left)).catch(() => 0);
      }),
    );
  };
  const renewTimer = setInterval(() => void renew(), Math.max(Math.floor(options.livenessMs / 3), 100));
  renewTimer.unref();

  let persistence: RedisPersistence | null = null;
  try {
    const [appendonly, appendfsync] = await Promise.all([redis.config("GET", "appendonly"), redis.config("GET", "appendfsync")]);
    persistence = { appendonly: String((appendonly as string[])[1]), appendfsync: String((appendfsync as string[])[1]) };
  } catch {
    persistence = null;
  }

  const jobKey = (id: string) => `${p}:${queueName}:${id}`;
  const payloadKey = (id: string) => `${p}:payload:${id}`;
  async function read(id: string, state?: JobState | "unknown") {
    const [hash, found, payload] = await Promise.all([redis.hgetall(jobKey(id)), state ?? queue.getJobState(id), redis.get(payloadKey(id))]);
    return toDelivery(hash, found, payload);
  }
  const readMany = async (ids: string[], state?: JobState) => (await Promise.all(ids.map((id) => read(id, state)))).filter((d): d is DeliveryRecord => d !== undefined);
  const newestFirst = (list: DeliveryRecord[], limit: number) => list.sort((a, b) => b.receivedAt - a.receivedAt).slice(0, limit);

  /** Fields a finish writes on the job: our status (done/ignored, failed/dead share BullMQ's sets), why, when. */
  function finishFields(outcome: DeliveryOutcome) {
    const t = now();
    const set: Array<string | number> = ["owg_status", outcome.status, "owg_updated_at", t, "owg_finished_at", t, "owg_reason", JSON.stringify(outcome.reason ?? null)];
    const unset: string[] = ["owg_next_attempt_at"];
    if (outcome.commentUrl) set.push("owg_comment_url", outcome.commentUrl);
    if (outcome.status === "failed" || outcome.status === "dead") {
      if (outcome.reason) set.push("owg_last_error", outcome.reason);
      else unset.push("owg_last_error");
    }
    return { set, unset };
  }

  /** The delivery this process holds, or an error: retry and defer only follow a claim. */
  function claimed(key: string) {
    const h = held.get(jobIdOf(key));
    if (!h) throw new Error(`delivery ${key} is not claimed by this process`);
    return h;
  }

  async function release(id: string, h: Held) {
    held.delete(id);
    // BullMQ puts it at the front of the queue; a lock lost meanwhile (lease over, taken over) makes this a no-op.
    await h.job.moveToWait(h.token).catch(() => 0);
  }

  return {
    persistence,
    async addDelivery(delivery) {
      const id = jobIdOf(delivery.key);
      const nonce = randomUUID();
      const { key, deliveryId, event, action, reason, repository, issueNumber, payload } = delivery;
      const data: JobData = { nonce, key, deliveryId, event, action, ...(reason !== undefined ? { reason } : {}), ...(repository !== undefined ? { repository } : {}), ...(issueNumber !== undefined ? { issueNumber } : {}) };
      if (delivery.status === "ignored") {
        return { inserted: (await run<number>("addIgnored", id, key, deliveryId, event, JSON.stringify(data), JSON.stringify(reason ?? null))) === 1 };
      }
      const t = now();
      // Before the add: the indexes (an entry whose add then failed points at no job and is skipped when read), and
      // the payload, which never changes, so a job never exists without it. Beside the job, not in its data, because
      // BullMQ's data is JSON: a 20 KB body escaped inside it made each add take 2.5 times as long, fsync included.
      await Promise.all([
        redis.sadd(`${p}:id:${deliveryId}`, key),
        redis.zadd(`${p}:all`, "NX", t, key),
        ...(payload !== undefined ? [redis.set(payloadKey(id), payload, "NX")] : []),
      ]);
      await queue.add(event, data, { jobId: id, timestamp: t, attempts: 1 });
      // A second add of an id BullMQ already has changes nothing and answers the same id: ours is stored only if we inserted.
      const stored = await run<string | null>("jobDataHead", id);
      return { inserted: stored?.startsWith(`{"nonce":${JSON.stringify(nonce)},`) ?? false };
    },
    async getDelivery(key) {
      return read(jobIdOf(key));
    },
    async getDeliveryById(deliveryId) {
      const keys = await redis.smembers(`${p}:id:${deliveryId}`);
      return newestFirst(await readMany(keys.map(jobIdOf)), 1)[0];
    },
    async claimDelivery(leaseMs) {
      const token = randomUUID();
      const job = await worker.getNextJob(token, { block: false });
      if (!job?.id) return undefined;
      held.set(job.id, { job, token, until: Date.now() + leaseMs });
      if (leaseMs < options.livenessMs) await job.extendLock(token, leaseMs);
      const t = now();
      await redis.multi().hset(jobKey(job.id), "owg_started_at", t, "owg_updated_at", t).hdel(jobKey(job.id), "owg_finished_at").exec();
      return read(job.id, "active");
    },
    async finishDelivery(key, outcome) {
      const id = jobIdOf(key);
      const { set, unset } = finishFields(outcome);
      const h = held.get(id);
      const bullState = outcome.status === "done" || outcome.status === "ignored" ? "completed" : "failed";
      if (!h) {
        // Not ours to hold (an operator, or nothing claimed it): one script moves it wherever it is.
        await redis.hdel(jobKey(id), ...unset);
        await run("finishUnheld", id, bullState, bullState === "failed" ? (outcome.reason ?? outcome.status) : "", ...set);
        if (outcome.status === "ignored") await redis.zadd(`${p}:ignored`, "NX", now(), id);
        return;
      }
      // Our fields before BullMQ's move: should this process die between the two, the job is still active, its
      // status still "running" (status comes from BullMQ's state), and the stalled check hands it on.
      await redis.multi().hset(jobKey(id), ...set).hdel(jobKey(id), ...unset).exec();
      // Throws when the lock is gone (the lease ran out and another replica took the job): that run's outcome counts.
      try {
        if (bullState === "completed") await h.job.moveToCompleted(null, h.token, false);
        else await h.job.moveToFailed(new Error(outcome.reason ?? outcome.status), h.token, false);
      } finally {
        held.delete(id);
      }
      // Only a count: should this process die before it, the delivery shows as done rather than ignored.
      if (outcome.status === "ignored") await redis.zadd(`${p}:ignored`, "NX", now(), id);
    },
    async retryDelivery(key, next) {
      const h = claimed(key);
      await redis.hset(jobKey(h.job.id!), "owg_last_error", next.error, "owg_next_attempt_at", next.at, "owg_updated_at", now());
      held.delete(h.job.id!);
      await h.job.moveToDelayed(next.at, h.token);
    },
    async deferDelivery(key, at) {
      const h = claimed(key);
      // Should this process die before the move, the claim stays uncounted and the job stalls back: one attempt more.
      await redis.multi().hincrby(jobKey(h.job.id!), "owg_uncounted", 1).hset(jobKey(h.job.id!), "owg_next_attempt_at", at, "owg_updated_at", now()).exec();
      held.delete(h.job.id!);
      await h.job.moveToDelayed(at, h.token);
    },
    async replayDelivery(idOrKey) {
      const keys = new Set(await redis.smembers(`${p}:id:${idOrKey}`));
      keys.add(idOrKey);
      const failed = newestFirst(
        (await readMany([...keys].map(jobIdOf))).filter((d) => d.status === "failed" || d.status === "dead"),
        1,
      )[0];
      if (!failed) return undefined;
      const id = jobIdOf(failed.key);
      const job = await queue.getJob(id);
      if (!job) return undefined;
      // Before BullMQ's retry: a job still failed with these reset only shows other attempts and no reason.
      await redis.multi().hset(jobKey(id), "owg_uncounted", 0, "owg_reason", "null", "owg_updated_at", now()).hdel(jobKey(id), "owg_next_attempt_at").exec();
      try {
        // Fresh attempts: BullMQ's attempt counters back to zero; finishedOn, failedReason go too.
        await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      } catch {
        return undefined; // replayed (or claimed) by someone else meanwhile
      }
      return read(id);
    },
    async listDeliveries(filter) {
      const { status, limit } = filter;
      const q = `${p}:${queueName}:`;
      if (!status) {
        // Over-read a little: an index entry whose add failed has no job.
        const keys = await redis.zrevrange(`${p}:all`, 0, limit + 9);
        return (await readMany(keys.map(jobIdOf))).slice(0, limit);
      }
      if (status === "pending") {
        // New jobs go to the head of BullMQ's wait list; retries and delays wait in its delayed set.
        const [waiting, delayed] = await Promise.all([redis.lrange(`${q}wait`, 0, limit - 1), redis.zrange(`${q}delayed`, "0", "-1")]);
        return newestFirst(await readMany([...new Set([...waiting, ...delayed])]), limit);
      }
      if (status === "running") return newestFirst(await readMany(await redis.lrange(`${q}active`, 0, -1), "active"), limit);
      if (status === "ignored") return newestFirst(await readMany(await redis.zrevrange(`${p}:ignored`, 0, limit - 1), "completed"), limit);
      const set = status === "done" ? "completed" : "failed";
      // Newest finished first, then filtered to our status; enough for the page's limit in all but odd mixes.
      const ids = await redis.zrevrange(`${q}${set}`, 0, limit * 4 - 1);
      return newestFirst((await readMany(ids, set)).filter((d) => d.status === status), limit);
    },
    async releaseRunning() {
      const mine = [...held.entries()];
      for (const [id, h] of mine) await release(id, h);
      return mine.length;
    },
    async releaseDelivery(key) {
      const id = jobIdOf(key);
      const h = held.get(id);
      if (h) await release(id, h);
    },
    async countByStatus() {
      const [counts, ignored, dead] = await Promise.all([
        queue.getJobCounts("wait", "delayed", "prioritized", "waiting-children", "active", "completed", "failed"),
        redis.zcard(`${p}:ignored`),
        run<number>("countDead"),
      ]);
      const c = (name: string) => counts[name] ?? 0;
      return {
        pending: c("wait") + c("delayed") + c("prioritized") + c("waiting-children"),
        running: c("active"),
        done: Math.max(c("completed") - ignored, 0),
        ignored,
        failed: Math.max(c("failed") - dead, 0),
        dead,
      };
    },
    async reserveWrite(limits: readonly WriteLimit[], reserveOptions) {
      if (limits.length === 0) return { ok: true };
      const pairs = limits.flatMap((l) => [l.max, Math.ceil(l.windowMs * windowSlack)]);
      const wait = await run<number>("reserveWrite", reserveOptions?.peek ? "1" : "0", ...pairs);
      return wait === 0 ? { ok: true } : { ok: false, retryInMs: wait };
    },
    async tryLock(name, lockOwner, ttlMs) {
      return (await run<number>("tryLock", name, lockOwner, ttlMs)) === 1;
    },
    async unlock(name, lockOwner) {
      await run("unlock", name, lockOwner);
    },
    async addRun(record) {
      await run("addRun", JSON.stringify(record), jobIdOf(record.deliveryKey));
    },
    async getRun(chatId) {
      return toRun(await redis.hgetall(`${p}:run:${chatId}`));
    },
    async setRunComment(chatId, comment) {
      await run("setRunComment", chatId, comment.id, comment.url);
    },
    async close() {
      clearInterval(renewTimer);
      if (redis.status === "ready") {
        // Back to the queue at once rather than after the lock lapses: what this replica held is free for others.
        for (const [id, h] of [...held.entries()]) await release(id, h);
      }
      await worker.close(true).catch(() => {});
      await queue.close().catch(() => {});
      for (const client of [workerRedis, redis]) {
        if (client.status !== "ready") client.disconnect();
        else await client.quit().catch(() => client.disconnect());
      }
    },
  };
}
