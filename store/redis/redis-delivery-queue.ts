import { randomUUID } from "node:crypto";
import type { DeliveryOutcome, DeliveryQueue, Lease } from "../delivery-queue.ts";
import type { RunScript } from "./define-scripts.ts";
import { pairsToFields, toDelivery } from "./to-records.ts";

/** How a lease ends, in the terms of the endLease script (delivery-scripts.ts). */
interface LeaseEnd {
  status: DeliveryOutcome["status"] | "pending";
  queue: "ready" | "delayed" | "";
  dueAt?: number;
  takeBackAttempt?: boolean;
  /** Keep only what the deliveries page shows of the payload. */
  dropPayload?: boolean;
  remove?: string[];
  set: Array<string | number>;
}

const outcomeStatuses: ReadonlySet<string> = new Set(["done", "failed", "ignored", "dead"]);

function finishing(outcome: DeliveryOutcome, t: number, dropDonePayload: boolean): LeaseEnd {
  if (!outcomeStatuses.has(outcome.status))
    throw new Error(`a delivery finishes done, failed, ignored or dead, not "${String(outcome.status)}"`);
  const set: Array<string | number> = ["updatedAt", t, "finishedAt", t];
  const remove = ["nextAttemptAt"];
  if (outcome.reason !== undefined) set.push("reason", outcome.reason);
  else remove.push("reason");
  if (outcome.commentUrl) set.push("commentUrl", outcome.commentUrl);
  if (outcome.notifyError) set.push("notifyError", outcome.notifyError);
  else remove.push("notifyError");
  if (outcome.status === "failed" || outcome.status === "dead") {
    if (outcome.reason !== undefined) set.push("lastError", outcome.reason);
    else remove.push("lastError");
  }
  return { status: outcome.status, queue: "", remove, set, dropPayload: dropDonePayload && outcome.status === "done" };
}

/** The lease queue on Redis: every change is one script that checks the lease's token first. */
export function createRedisDeliveryQueue(
  run: RunScript,
  now: () => number,
  options: { keepDonePayloads?: boolean } = {},
): DeliveryQueue {
  const dropDonePayload = !options.keepDonePayloads;
  async function end(lease: Lease, how: LeaseEnd): Promise<boolean> {
    const remove = how.remove ?? [];
    const args = [
      how.status,
      how.queue,
      how.dueAt ?? "",
      how.takeBackAttempt ? "-1" : "0",
      how.dropPayload ? "1" : "0",
      remove.length,
      ...remove,
      ...how.set,
    ];
    return (await run("endLease", lease.key, lease.token, ...args)) === 1;
  }
  return {
    async claim(leaseMs) {
      const token = randomUUID();
      const reply = await run("claim", Math.ceil(leaseMs), token);
      const delivery = reply ? toDelivery(pairsToFields(reply)) : undefined;
      return delivery && { delivery, lease: { key: delivery.key, token } };
    },
    async renew(lease, leaseMs) {
      return (await run("renew", lease.key, lease.token, Math.ceil(leaseMs))) === 1;
    },
    finish(lease, outcome) {
      return end(lease, finishing(outcome, now(), dropDonePayload));
    },
    retry(lease, next) {
      return end(lease, {
        status: "pending",
        queue: "delayed",
        dueAt: next.at,
        set: ["lastError", next.error, "nextAttemptAt", next.at, "updatedAt", now()],
      });
    },
    defer(lease, at) {
      return end(lease, {
        status: "pending",
        queue: "delayed",
        dueAt: at,
        takeBackAttempt: true,
        set: ["nextAttemptAt", at, "updatedAt", now()],
      });
    },
    release(lease) {
      return end(lease, { status: "pending", queue: "ready", set: ["updatedAt", now()] });
    },
  };
}
