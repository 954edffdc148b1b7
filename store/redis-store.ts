import type { Lease } from "./delivery-queue.ts";
import type { RedisConfig } from "./read-redis-config.ts";
import { openRedisRelayStores, type RedisPersistence } from "./redis/open-redis-stores.ts";
import type { Store } from "./store.ts";

export { redactRedisUrl } from "./redis/connect-redis.ts";
export type { RedisPersistence } from "./redis/open-redis-stores.ts";

export type RedisStoreOptions = RedisConfig & { now?: () => number };

export type RedisStore = Store & { persistence: RedisPersistence | null };

/**
 * The old one-interface store over the split Redis stores (store/redis/), for
 * callers not yet moved to them (bin/, bench/, test support); goes once they
 * are. It keeps the old meaning: a claim is held with a lease of `livenessMs`
 * renewed by this process until the caller's lease ends, so a killed process's
 * deliveries are claimable again within about `livenessMs`; retry, defer,
 * finish and release act on what this process claimed.
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  const stores = await openRedisRelayStores(options, options.now ? { now: options.now } : {});
  const { deliveries, queue, runs, coordination } = stores;
  const held = new Map<string, { lease: Lease; until: number }>();
  const renewAll = () =>
    Promise.all(
      [...held.values()].map(async (h) => {
        const left = h.until - Date.now();
        // Past its lease a run is presumed stuck: the lease lapses and another process may claim the delivery.
        if (left > 0) await queue.renew(h.lease, Math.min(options.livenessMs, left)).catch(() => false);
      }),
    );
  const renewTimer = setInterval(() => void renewAll(), Math.max(Math.floor(options.livenessMs / 3), 100));
  renewTimer.unref();
  const claimed = (key: string) => {
    const h = held.get(key);
    if (!h) throw new Error(`delivery ${key} is not claimed by this process`);
    held.delete(key);
    return h.lease;
  };
  // As before: a change through a lease that lapsed and was taken by another process fails.
  const must = async (key: string, done: Promise<boolean>) => {
    if (!(await done)) throw new Error(`delivery ${key} is no longer this process's: its lease lapsed and another process claimed it`);
  };
  const releaseHeld = async () => {
    const mine = [...held.keys()];
    for (const key of mine) await queue.release(claimed(key));
    return mine.length;
  };
  return {
    persistence: stores.persistence,
    addDelivery: (delivery) => deliveries.add(delivery),
    getDelivery: (key) => deliveries.get(key),
    getDeliveryById: (id) => deliveries.findByDeliveryId(id),
    async claimDelivery(leaseMs) {
      const claim = await queue.claim(Math.min(options.livenessMs, leaseMs));
      if (!claim) return undefined;
      held.set(claim.lease.key, { lease: claim.lease, until: Date.now() + leaseMs });
      return claim.delivery;
    },
    async finishDelivery(key, outcome) {
      await must(key, queue.finish(claimed(key), outcome));
    },
    async retryDelivery(key, next) {
      await must(key, queue.retry(claimed(key), next));
    },
    async deferDelivery(key, at) {
      await must(key, queue.defer(claimed(key), at));
    },
    async releaseDelivery(key) {
      if (held.has(key)) await queue.release(claimed(key));
    },
    releaseRunning: releaseHeld,
    async replayDelivery(idOrKey) {
      const byGuid = await deliveries.findByDeliveryId(idOrKey);
      return (byGuid && (await deliveries.replay(byGuid.key))) ?? deliveries.replay(idOrKey);
    },
    listDeliveries: (filter) => deliveries.list(filter),
    countByStatus: () => deliveries.counts(),
    reserveWrite: (limits, reserveOptions) => coordination.reserveWrite(limits, reserveOptions),
    tryLock: (name, owner, ttlMs) => coordination.tryLock(name, owner, ttlMs),
    unlock: (name, owner) => coordination.unlock(name, owner),
    addRun: (run) => runs.add(run),
    getRun: (chatId) => runs.get(chatId),
    setRunComment: (chatId, comment) => runs.setComment(chatId, comment),
    async close() {
      clearInterval(renewTimer);
      // Back to the queue at once rather than after the lease lapses: what this replica held is free for others.
      await releaseHeld().catch(() => 0);
      await stores.close();
    },
  };
}
