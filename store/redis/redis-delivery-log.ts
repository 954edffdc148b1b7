import { checkNewDelivery, checkStatusFilter } from "../check-delivery-input.ts";
import type { Redis } from "ioredis";
import { deliveryStatuses, type DeliveryLog, type DeliveryStatus, type NewDelivery } from "../delivery-log.ts";
import type { RunScript } from "./define-scripts.ts";
import { pairsToFields, toDelivery } from "./to-records.ts";

/** The fields a new delivery brings, as field/value pairs; a field left out reads as null. */
function fieldsOf(delivery: NewDelivery): Array<string | number> {
  const pairs: Array<string | number> = ["event", delivery.event];
  if (delivery.action !== null) pairs.push("action", delivery.action);
  if (delivery.reason !== undefined) pairs.push("reason", delivery.reason);
  if (delivery.repository !== undefined) pairs.push("repository", delivery.repository);
  if (delivery.issueNumber !== undefined) pairs.push("issueNumber", delivery.issueNumber);
  if (delivery.rule !== undefined) pairs.push("rule", delivery.rule);
  if (delivery.payload !== undefined) pairs.push("payload", delivery.payload);
  return pairs;
}

/** The delivery log on Redis (keys and scripts: delivery-scripts.ts). */
export function createRedisDeliveryLog(redis: Redis, prefix: string, run: RunScript): DeliveryLog {
  const one = (reply: unknown) => (reply ? toDelivery(pairsToFields(reply)) : undefined);
  return {
    async add(delivery) {
      checkNewDelivery(delivery);
      // One round trip: the script checks the key, writes the record, queues it and indexes it.
      const stored = await run("add", delivery.key, delivery.deliveryId, delivery.status, ...fieldsOf(delivery));
      return { inserted: stored === 1 };
    },
    async get(key) {
      return toDelivery(await redis.hgetall(`${prefix}:d:${key}`));
    },
    async findByDeliveryId(deliveryId) {
      return one(await run("findByGuid", deliveryId));
    },
    async list(filter) {
      checkStatusFilter(filter.status);
      if (filter.limit < 1) return [];
      const replies = (await run("list", filter.status ?? "", Math.floor(filter.limit))) as unknown[];
      return replies.map(one).filter((d) => d !== undefined);
    },
    async counts() {
      const found = (await run("counts", ...deliveryStatuses)) as number[];
      return Object.fromEntries(deliveryStatuses.map((status, i) => [status, Number(found[i])])) as Record<
        DeliveryStatus,
        number
      >;
    },
    async replay(key) {
      return one(await run("replay", key));
    },
    async startRuleRun(turn, deliveryKey, now, cooldownMs) {
      const earlier = await run.at(now, "startRuleRun", turn, deliveryKey, cooldownMs);
      return earlier === null ? null : Number(earlier);
    },
    async prune(policy, now) {
      const [deleted, runsDeleted] = (await run.at(
        now,
        "prune",
        Math.max(1, Math.floor(policy.batchSize)),
        now - policy.keepMs,
        now - policy.keepFailedMs,
      )) as [number, number];
      return { deleted, runsDeleted, more: deleted >= policy.batchSize };
    },
  };
}
