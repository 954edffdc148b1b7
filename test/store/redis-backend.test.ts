import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NewDelivery } from "../../store/delivery-log.ts";
import type { RedisConfig } from "../../store/read-redis-config.ts";
import { openRedisRelayStores, openRedisToolServerStores } from "../../store/redis/open-redis-stores.ts";
import type { RelayStores } from "../../store/stores.ts";
import { redisServerAvailable, startRedisServer, type RedisServer } from "../support/redis-server.ts";

const withRedis = redisServerAvailable();
let server: RedisServer | undefined;
beforeAll(async () => {
  if (withRedis) server = await startRedisServer();
});
afterAll(async () => {
  await server?.close();
});

const delivery = (key: string, extra: Partial<NewDelivery> = {}): NewDelivery => ({ key, deliveryId: key, event: "issues", action: "opened", status: "pending", payload: `{"n":"${key}"}`, ...extra });

describe.skipIf(!withRedis)("the Redis backend", () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  let config: RedisConfig;
  // A prefix per test: one redis-server serves the file without tests seeing each other.
  const open = async (now?: () => number) => {
    const stores = await openRedisRelayStores(config, now ? { now } : {});
    opened.push(stores);
    return stores;
  };
  afterEach(async () => {
    for (const stores of opened.splice(0)) await stores.close();
  });
  const fresh = () => (config = { url: server!.url, prefix: `test-${randomUUID()}`, connectTimeoutMs: 5_000, commandTimeoutMs: 5_000, livenessMs: 2_000 });

  it("stores a delivery once per key, with every field, finds it by key and by GUID, and queues it in the same write", async () => {
    fresh();
    const { deliveries, queue } = await open(() => 1_000);
    expect(await deliveries.add(delivery("h:1", { deliveryId: "g1", repository: "o/r", issueNumber: 7 }))).toEqual({ inserted: true });
    expect(await deliveries.add(delivery("h:1", { deliveryId: "g1", repository: "x/y" }))).toEqual({ inserted: false });
    const other = await open();
    expect(await other.deliveries.add(delivery("h:1", { deliveryId: "g1" }))).toEqual({ inserted: false });
    expect(await other.deliveries.get("h:1")).toEqual({
      key: "h:1", deliveryId: "g1", event: "issues", action: "opened", status: "pending", reason: null, repository: "o/r", issueNumber: 7, payload: '{"n":"h:1"}',
      attempts: 0, receivedAt: 1_000, updatedAt: 1_000, chatId: null, commentUrl: null, lastError: null, nextAttemptAt: null, startedAt: null, finishedAt: null,
    });
    expect(await deliveries.get("nope")).toBeUndefined();
    await deliveries.add({ key: "h:2", deliveryId: "g2", event: "push", action: null, status: "ignored", reason: "not an issue" });
    await deliveries.add({ key: "h:3", deliveryId: "g2", event: "push", action: null, status: "ignored" });
    // The newest delivery with the GUID, from any hook.
    expect(await deliveries.findByDeliveryId("g2")).toMatchObject({ key: "h:3", status: "ignored", action: null, reason: null, payload: null });
    expect(await deliveries.findByDeliveryId("missing")).toBeUndefined();
    // Only the pending one was queued.
    expect((await queue.claim(60_000))?.delivery.key).toBe("h:1");
    expect(await queue.claim(60_000)).toBeUndefined();
    await expect(deliveries.add(delivery("bad", { status: "running" as "pending" }))).rejects.toThrow(/pending or ignored/);
  });

  it("hands each pending delivery to one claimer, oldest first, counts attempts, and takes back a lapsed lease", async () => {
    fresh();
    let now = 1_000;
    const { deliveries, queue } = await open(() => now);
    const other = await open(() => now);
    for (const key of ["a", "b"]) await deliveries.add(delivery(key));
    const a = await queue.claim(100);
    expect(a).toMatchObject({ delivery: { key: "a", status: "running", attempts: 1, startedAt: 1_000 }, lease: { key: "a" } });
    expect((await other.queue.claim(60_000))?.delivery.key).toBe("b");
    expect(await queue.claim(100)).toBeUndefined();
    now += 100;
    // Lapsed only once its expiry is behind the clock.
    expect(await other.queue.claim(100)).toBeUndefined();
    now += 1;
    const again = await other.queue.claim(100);
    expect(again).toMatchObject({ delivery: { key: "a", attempts: 2 } });
    expect(again!.lease.token).not.toBe(a!.lease.token);
    // The first holder's lease is no longer the current one: nothing it asks changes anything.
    expect(await queue.renew(a!.lease, 60_000)).toBe(false);
    expect(await queue.finish(a!.lease, { status: "done" })).toBe(false);
    expect(await queue.retry(a!.lease, { error: "x", at: 0 })).toBe(false);
    expect(await queue.defer(a!.lease, 0)).toBe(false);
    expect(await queue.release(a!.lease)).toBe(false);
    expect(await deliveries.get("a")).toMatchObject({ status: "running", attempts: 2 });
    expect(await other.queue.finish(again!.lease, { status: "done", reason: "commented", commentUrl: "https://github.com/x" })).toBe(true);
    expect(await deliveries.get("a")).toMatchObject({ status: "done", reason: "commented", commentUrl: "https://github.com/x", lastError: null, finishedAt: 1_101 });
    expect(await other.queue.finish(again!.lease, { status: "failed" })).toBe(false);
    expect(await deliveries.counts()).toEqual({ pending: 0, running: 1, done: 1, failed: 0, ignored: 0, dead: 0 });
  });

  it("never gives one delivery to two claimers at once", async () => {
    fresh();
    const one = await open();
    const two = await open();
    for (let i = 0; i < 10; i++) await one.deliveries.add(delivery(`k${i}`));
    const claims = await Promise.all(Array.from({ length: 14 }, (_, i) => (i % 2 ? one : two).queue.claim(60_000)));
    const keys = claims.filter((c) => c !== undefined).map((c) => c.delivery.key);
    expect(keys.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
  });

  it("renews a lease so that it outlives its first expiry", async () => {
    fresh();
    let now = 0;
    const { deliveries, queue } = await open(() => now);
    await deliveries.add(delivery("long"));
    const claim = (await queue.claim(100))!;
    for (let step = 0; step < 5; step++) {
      now += 90;
      expect(await queue.renew(claim.lease, 100)).toBe(true);
      expect(await queue.claim(100)).toBeUndefined();
    }
    now += 101;
    expect(await queue.claim(100)).toMatchObject({ delivery: { key: "long", attempts: 2 } });
  });

  it("retries not before the given time, defers without counting the attempt, and releases with it counted", async () => {
    fresh();
    let now = 5_000;
    const { deliveries, queue } = await open(() => now);
    await deliveries.add(delivery("r"));
    let claim = (await queue.claim(60_000))!;
    expect(await queue.retry(claim.lease, { error: "Open WebUI answered 502", at: 6_000 })).toBe(true);
    expect(await deliveries.get("r")).toMatchObject({ status: "pending", attempts: 1, lastError: "Open WebUI answered 502", nextAttemptAt: 6_000 });
    expect(await queue.claim(60_000)).toBeUndefined();
    now = 6_000;
    claim = (await queue.claim(60_000))!;
    expect(claim.delivery).toMatchObject({ key: "r", attempts: 2 });
    expect(await queue.defer(claim.lease, 7_000)).toBe(true);
    expect(await deliveries.get("r")).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: 7_000 });
    expect(await queue.claim(60_000)).toBeUndefined();
    now = 7_000;
    claim = (await queue.claim(60_000))!;
    expect(claim.delivery).toMatchObject({ key: "r", attempts: 2 });
    expect(await queue.release(claim.lease)).toBe(true);
    expect(await deliveries.get("r")).toMatchObject({ status: "pending", attempts: 2 });
    claim = (await queue.claim(60_000))!;
    expect(await queue.finish(claim.lease, { status: "failed", reason: "issue gone" })).toBe(true);
    expect(await queue.release(claim.lease)).toBe(false);
    expect(await deliveries.get("r")).toMatchObject({ status: "failed", reason: "issue gone", lastError: "issue gone", attempts: 3 });
  });

  it("replays a failed or dead delivery by key with fresh attempts, and nothing else", async () => {
    fresh();
    const { deliveries, queue } = await open();
    await deliveries.add(delivery("h:dead"));
    await deliveries.add(delivery("h:done"));
    await queue.finish((await queue.claim(60_000))!.lease, { status: "dead", reason: "gave up after 1 attempts: 502" });
    await queue.finish((await queue.claim(60_000))!.lease, { status: "done" });
    expect(await deliveries.replay("h:done")).toBeUndefined();
    expect(await deliveries.replay("missing")).toBeUndefined();
    expect(await deliveries.replay("h:dead")).toMatchObject({ key: "h:dead", status: "pending", attempts: 0, reason: null, lastError: "gave up after 1 attempts: 502" });
    expect(await deliveries.replay("h:dead")).toBeUndefined();
    expect(await queue.claim(60_000)).toMatchObject({ delivery: { key: "h:dead", attempts: 1 } });
  });

  it("lists deliveries newest first, by status, and counts them from the same writes", async () => {
    fresh();
    let now = 1;
    const { deliveries, queue } = await open(() => now++);
    for (const key of ["x1", "x2", "x3"]) await deliveries.add(delivery(key));
    await deliveries.add({ key: "i1", deliveryId: "i1", event: "push", action: null, status: "ignored" });
    expect((await deliveries.list({ limit: 10 })).map((d) => d.key)).toEqual(["i1", "x3", "x2", "x1"]);
    expect((await deliveries.list({ limit: 2 })).map((d) => d.key)).toEqual(["i1", "x3"]);
    expect(await deliveries.list({ limit: 0 })).toEqual([]);
    expect((await deliveries.list({ status: "pending", limit: 10 })).map((d) => d.key)).toEqual(["x3", "x2", "x1"]);
    await queue.finish((await queue.claim(60_000))!.lease, { status: "dead" });
    expect((await deliveries.list({ status: "dead", limit: 10 })).map((d) => d.key)).toEqual(["x1"]);
    expect(await deliveries.counts()).toEqual({ pending: 2, running: 0, done: 0, failed: 0, ignored: 1, dead: 1 });
  });

  it("shares the comment budget between processes, the tool server's included, and says when a slot frees up", async () => {
    fresh();
    let now = 10_000;
    const { coordination } = await open(() => now);
    const tool = await openRedisToolServerStores(config, { now: () => now });
    opened.push(tool);
    const limits = [{ max: 2, windowMs: 1_000 }];
    expect(await coordination.reserveWrite([])).toEqual({ ok: true });
    expect(await coordination.reserveWrite(limits)).toEqual({ ok: true });
    now += 100;
    expect(await tool.coordination.reserveWrite(limits, { peek: true })).toEqual({ ok: true });
    expect(await tool.coordination.reserveWrite(limits)).toEqual({ ok: true });
    // Windows are stretched by a fifth: the first slot frees 1,200 ms after it was taken.
    expect(await coordination.reserveWrite(limits)).toEqual({ ok: false, retryInMs: 1_101 });
    now = 11_201;
    expect(await coordination.reserveWrite(limits)).toEqual({ ok: true });
  });

  it("gives exactly the budget's slots to many processes racing for them", async () => {
    fresh();
    const all = await Promise.all(Array.from({ length: 4 }, () => open(() => 50_000)));
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => all[i % 4]!.coordination.reserveWrite([{ max: 7, windowMs: 60_000 }])));
    expect(answers.filter((a) => a.ok)).toHaveLength(7);
  });

  it("gives a named lock to one owner until it is unlocked or expires on the store's clock", async () => {
    fresh();
    let now = 0;
    const { coordination } = await open(() => now);
    const other = (await open(() => now)).coordination;
    expect(await coordination.tryLock("comment:o/r#1", "a", 60_000)).toBe(true);
    expect(await other.tryLock("comment:o/r#1", "b", 60_000)).toBe(false);
    expect(await coordination.tryLock("comment:o/r#1", "a", 60_000)).toBe(true);
    await other.unlock("comment:o/r#1", "b");
    expect(await other.tryLock("comment:o/r#1", "b", 60_000)).toBe(false);
    await coordination.unlock("comment:o/r#1", "a");
    expect(await other.tryLock("comment:o/r#1", "b", 150)).toBe(true);
    now = 150;
    expect(await coordination.tryLock("comment:o/r#1", "a", 60_000)).toBe(false);
    now = 151;
    expect(await coordination.tryLock("comment:o/r#1", "a", 60_000)).toBe(true);
  });

  it("records a run, links it to its delivery, and keeps its comment, seen from the tool server's stores", async () => {
    fresh();
    const relay: RelayStores = await open(() => 77);
    const tool = await openRedisToolServerStores(config);
    opened.push(tool);
    await relay.deliveries.add(delivery("h:run", { deliveryId: "gr" }));
    const run = { chatId: "chat-1", deliveryKey: "h:run", deliveryId: "gr", owner: "o", repo: "r", issueNumber: 3, messageId: "m" };
    await relay.runs.add(run);
    await expect(relay.runs.add(run)).rejects.toThrow(/exists already/);
    await expect(relay.runs.add({ ...run, chatId: "chat-9", deliveryKey: "nope" })).rejects.toThrow(/no delivery nope/);
    expect(await tool.runs.get("chat-1")).toEqual({ ...run, commentId: null, commentUrl: null, createdAt: 77 });
    expect((await relay.deliveries.get("h:run"))?.chatId).toBe("chat-1");
    await tool.runs.setComment("chat-1", { id: 42, url: "https://github.com/o/r/issues/3#issuecomment-42" });
    expect(await relay.runs.get("chat-1")).toMatchObject({ commentId: 42, commentUrl: "https://github.com/o/r/issues/3#issuecomment-42" });
    expect(await relay.runs.get("chat-2")).toBeUndefined();
  });

  it("says how Redis persists what it acknowledges", async () => {
    fresh();
    expect((await open()).persistence).toEqual({ appendonly: "no", appendfsync: expect.any(String) });
  });
});
