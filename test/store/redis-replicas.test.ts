import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NewDelivery } from "../../store/delivery-log.ts";
import type { DeliveryQueue } from "../../store/delivery-queue.ts";
import type { RedisConfig } from "../../config/read-redis-config.ts";
import { openRedisRelayStores } from "../../store/redis/open-redis-stores.ts";
import { redisServerAvailable, startRedisServer, type RedisServer } from "../../stand-ins/redis-server.ts";

const withRedis = redisServerAvailable();
let server: RedisServer | undefined;
beforeAll(async () => {
  if (withRedis) server = await startRedisServer();
});
afterAll(async () => {
  await server?.close();
});

const delivery = (key: string): NewDelivery => ({
  key,
  deliveryId: key,
  event: "issues",
  action: "opened",
  status: "pending",
  payload: `{"n":"${key}"}`,
});
const ignored = (key: string): NewDelivery => ({
  key,
  deliveryId: key,
  event: "push",
  action: null,
  status: "ignored",
});

/** Claims until one is handed out or `ms` passed (real time: these replicas share Redis and the machine's clock). */
async function claimWithin(queue: DeliveryQueue, ms: number, leaseMs = 60_000) {
  for (const started = Date.now(); Date.now() - started < ms; await new Promise((r) => setTimeout(r, 50))) {
    const claim = await queue.claim(leaseMs);
    if (claim) return claim;
  }
  return undefined;
}

describe.skipIf(!withRedis)("relay replicas on one Redis", () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  const replicas = async (count: number) => {
    const config: RedisConfig = {
      url: server!.url,
      prefix: `test-${randomUUID()}`,
      connectTimeoutMs: 5_000,
      commandTimeoutMs: 5_000,
    };
    const all = await Promise.all(Array.from({ length: count }, () => openRedisRelayStores(config)));
    opened.push(...all);
    return { config, all };
  };
  afterEach(async () => {
    for (const stores of opened.splice(0)) await stores.close();
  });

  it("stores a key raced by several replicas exactly once, whether they add it as pending or as ignored, and queues it once", async () => {
    const { all } = await replicas(4);
    for (let round = 0; round < 5; round++) {
      const key = `race-${round}`;
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) => all[i % 4]!.deliveries.add(i % 3 ? delivery(key) : ignored(key))),
      );
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      // The one stored is what its winner added: queued, or an ignored record, never both.
      const winner = results.findIndex((r) => r.inserted);
      expect((await all[0]!.deliveries.get(key))?.status).toBe(winner % 3 ? "pending" : "ignored");
    }
    const counts = await all[0]!.deliveries.counts();
    expect(counts.pending + counts.ignored).toBe(5);
    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => all[i % 4]!.queue.claim(60_000)));
    expect(claims.filter((c) => c !== undefined)).toHaveLength(counts.pending);
  });

  it("keeps a long run's delivery with its live replica well past the lease, as long as the replica renews it", async () => {
    const { all } = await replicas(2);
    const [first, second] = all as [(typeof all)[0], (typeof all)[0]];
    await first.deliveries.add(delivery("long"));
    const claim = (await first.queue.claim(1_000))!;
    expect(claim.delivery.key).toBe("long");
    const renewals = setInterval(() => void first.queue.renew(claim.lease, 1_000), 300);
    try {
      // Three leases long: without renewal the second replica would have taken it by now.
      expect(await claimWithin(second.queue, 3_000, 1_000)).toBeUndefined();
    } finally {
      clearInterval(renewals);
    }
    expect(await second.deliveries.get("long")).toMatchObject({ status: "running", attempts: 1 });
    expect(await first.queue.finish(claim.lease, { status: "done" })).toBe(true);
    expect(await second.deliveries.get("long")).toMatchObject({ status: "done", attempts: 1 });
  });

  it("hands the delivery of a replica killed while holding it to another within the lease", async () => {
    const { config, all } = await replicas(1);
    const survivor = all[0]!;
    await survivor.deliveries.add(delivery("held"));
    const leaseMs = 1_000;
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(import.meta.dirname, "..", "support", "hold-redis-lease.ts"),
        config.url,
        config.prefix,
        String(leaseMs),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = new Promise((done) => child.once("exit", done));
    await new Promise<void>((done) =>
      child.stdout!.on("data", (d: Buffer) => String(d).includes("claimed held") && done()),
    );
    // Alive and renewing, it keeps the delivery past its first lease.
    expect(await claimWithin(survivor.queue, leaseMs + 300)).toBeUndefined();
    child.kill("SIGKILL");
    await exited;
    const killedAt = Date.now();
    expect(await claimWithin(survivor.queue, 5_000)).toMatchObject({
      delivery: { key: "held", status: "running", attempts: 2 },
    });
    // Its last renewal was before the kill, so the lease lapsed at most one lease later (plus one poll).
    expect(Date.now() - killedAt).toBeLessThan(leaseMs + 500);
  });

  it("counts each claim whose lease lapsed as an attempt and keeps the delivery claimable, so the relay can dead-letter it", async () => {
    const { all } = await replicas(2);
    await all[0]!.deliveries.add(delivery("stalls"));
    for (let attempt = 1; attempt <= 3; attempt++) {
      // A 50 ms lease that nobody renews or finishes.
      expect(await claimWithin(all[attempt % 2]!.queue, 2_000, 50)).toMatchObject({
        delivery: { key: "stalls", status: "running", attempts: attempt },
      });
    }
  });

  it("fails with a clear message, without the password, when Redis cannot be reached", async () => {
    const started = Date.now();
    const config: RedisConfig = {
      url: "redis://:hunter2-secret@127.0.0.1:9/0",
      prefix: "x",
      connectTimeoutMs: 600,
      commandTimeoutMs: 500,
    };
    const failure = openRedisRelayStores(config).then(
      () => "opened",
      (error: Error) => error.message,
    );
    const message = await failure;
    expect(message).toMatch(/^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:9\/0 within 1 s: .*ECONNREFUSED/);
    expect(message).not.toContain("hunter2");
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
