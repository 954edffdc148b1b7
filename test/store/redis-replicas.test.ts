import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore } from "../../store/redis-store.ts";
import type { NewDelivery, Store } from "../../store/store.ts";
import { redisServerAvailable, startRedisServer, type RedisServer } from "../../stand-ins/redis-server.ts";

// Still written against the Redis store before the split (store/redis-store.ts): the Redis backend's
// rewrite moves these onto openRedisRelayStores and the lease queue.
const withRedis = redisServerAvailable();
let redis: RedisServer | undefined;
beforeAll(async () => {
  if (withRedis) redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.close();
});

const delivery = (key: string, extra: Partial<NewDelivery> = {}): NewDelivery => ({ key, deliveryId: key, event: "issues", action: "opened", status: "pending", payload: `{"n":"${key}"}`, ...extra });

describe.skipIf(!withRedis)("the Redis store across replicas", () => {
  it("gives the deliveries a stopped replica was running to another, but never a live replica's", async () => {
    const options = { url: redis?.url ?? "", prefix: `test-${randomUUID()}`, connectTimeoutMs: 5_000, commandTimeoutMs: 5_000, livenessMs: 2_000 };
    const first = await createRedisStore(options);
    const second = await createRedisStore(options);
    await first.addDelivery(delivery("busy"));
    expect((await first.claimDelivery(600_000))?.key).toBe("busy");
    // The second replica starting up must not take what the first is running.
    expect(await second.releaseRunning()).toBe(0);
    expect(await second.claimDelivery(600_000)).toBeUndefined();
    // Closed, the first one puts its delivery back at once: the second gets it long before the lease ends.
    await first.close();
    expect(await second.claimDelivery(600_000)).toMatchObject({ key: "busy", attempts: 2 });
    await second.close();
  });

  const replicaOptions = (livenessMs: number) => ({ url: redis?.url ?? "", prefix: `test-${randomUUID()}`, connectTimeoutMs: 5_000, commandTimeoutMs: 5_000, livenessMs });
  const claimWithin = async (store: Store, ms: number) => {
    for (const started = Date.now(); Date.now() - started < ms; await new Promise((r) => setTimeout(r, 50))) {
      const claimed = await store.claimDelivery(600_000);
      if (claimed) return claimed;
    }
    return undefined;
  };

  it("stores a key raced by several replicas exactly once, whether they add it as pending or as ignored", async () => {
    const options = replicaOptions(2_000);
    const replicas = await Promise.all(Array.from({ length: 4 }, () => createRedisStore(options)));
    for (let round = 0; round < 5; round++) {
      const key = `race-${round}`;
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) => replicas[i % 4]!.addDelivery(i % 3 ? delivery(key) : { key, deliveryId: key, event: "push", action: null, status: "ignored" })),
      );
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      // The one stored is what its winner added: a job in the queue, or an ignored record, never both.
      const winner = results.findIndex((r) => r.inserted);
      expect((await replicas[0]!.getDelivery(key))?.status).toBe(winner % 3 ? "pending" : "ignored");
    }
    const counts = await replicas[0]!.countByStatus();
    expect(counts.pending + counts.ignored).toBe(5);
    for (const replica of replicas) await replica.close();
  });

  it("keeps a long run's delivery with its live replica well past the lock's duration", async () => {
    const options = replicaOptions(1_000);
    const first = await createRedisStore(options);
    const second = await createRedisStore(options);
    await first.addDelivery(delivery("long"));
    expect((await first.claimDelivery(600_000))?.key).toBe("long");
    // Three lock durations: without renewal the stalled check would have handed it on by now.
    expect(await claimWithin(second, 3_000)).toBeUndefined();
    expect(await second.getDelivery("long")).toMatchObject({ status: "running", attempts: 1 });
    await first.finishDelivery("long", { status: "done" });
    expect(await second.getDelivery("long")).toMatchObject({ status: "done", attempts: 1 });
    await first.close();
    await second.close();
  });

  it("hands the delivery of a replica killed while holding it to another within seconds", async () => {
    const options = replicaOptions(1_000);
    const survivor = await createRedisStore(options);
    await survivor.addDelivery(delivery("held"));
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "support", "claim-and-hold.ts"), options.url, options.prefix, "1000"], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise((done) => child.once("exit", done));
    await new Promise<void>((done) => child.stdout!.on("data", (d: Buffer) => String(d).includes("claimed held") && done()));
    expect(await survivor.claimDelivery(600_000)).toBeUndefined();
    child.kill("SIGKILL");
    await exited;
    const killedAt = Date.now();
    expect(await claimWithin(survivor, 8_000)).toMatchObject({ key: "held", status: "running", attempts: 2 });
    // The lock lapses after at most 1 s, and BullMQ's stalled check runs every third of that.
    expect(Date.now() - killedAt).toBeLessThan(4_000);
    await survivor.close();
  });

  it("counts each claim that stalled as an attempt and keeps the delivery claimable, so the relay can dead-letter it", async () => {
    const store = await createRedisStore(replicaOptions(1_000));
    await store.addDelivery(delivery("stalls"));
    for (let attempt = 1; attempt <= 3; attempt++) {
      // A 50 ms lease that nobody finishes: each time the lock lapses and the stalled check puts the job back.
      const claimed = await (async () => {
        for (let tries = 0; tries < 100; tries++) {
          const found = await store.claimDelivery(50);
          if (found) return found;
          await new Promise((r) => setTimeout(r, 50));
        }
        return undefined;
      })();
      expect(claimed).toMatchObject({ key: "stalls", status: "running", attempts: attempt });
    }
    await store.close();
  });

  it("fails with a clear message, without the password, when Redis cannot be reached", async () => {
    const started = Date.now();
    await expect(createRedisStore({ url: "redis://:hunter2-secret@127.0.0.1:9/0", prefix: "x", connectTimeoutMs: 600, commandTimeoutMs: 500, livenessMs: 2_000 })).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:9\/0 within 1 s: .*ECONNREFUSED/,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
