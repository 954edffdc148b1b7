import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NewDelivery } from "../../store/delivery-log.ts";
import type { RedisConfig } from "../../config/read-redis-config.ts";
import { openRedisRelayStores, openRedisToolServerStores } from "../../store/redis/open-redis-stores.ts";
import { waitFor } from "../../stand-ins/payloads.ts";
import { redisServerAvailable, startRedisServer, type RedisServer } from "../../stand-ins/redis-server.ts";

// What only the Redis backend has to show; what every backend must do is in the contract suites (*.contract.test.ts).
const withRedis = redisServerAvailable();
let server: RedisServer | undefined;
beforeAll(async () => {
  if (withRedis) server = await startRedisServer(["--appendonly", "yes", "--appendfsync", "everysec"]);
});
afterAll(async () => {
  await server?.close();
});

const delivery = (key: string, extra: Partial<NewDelivery> = {}): NewDelivery => ({
  key,
  deliveryId: key,
  event: "issues",
  action: "opened",
  status: "pending",
  payload: `{"n":"${key}"}`,
  ...extra,
});

describe.skipIf(!withRedis)("the Redis backend", () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  const configFor = (prefix = `test-${randomUUID()}`): RedisConfig => ({
    url: server!.url,
    prefix,
    connectTimeoutMs: 5_000,
    commandTimeoutMs: 5_000,
  });
  const track = <T extends { close(): Promise<void> }>(stores: T) => (opened.push(stores), stores);
  const admin = () =>
    track(
      Object.assign(new Redis(server!.url), {
        close: async function (this: Redis) {
          await this.quit();
        },
      }),
    );
  afterEach(async () => {
    for (const stores of opened.splice(0)) await stores.close();
  });

  it("stores a delivery in one round trip to Redis, and claims and finishes it in one each", async () => {
    const { deliveries, queue } = track(await openRedisRelayStores(configFor()));
    await deliveries.add(delivery("warm-up"));
    const monitor = await admin().monitor();
    track({ close: async () => monitor.disconnect() });
    const seen: string[] = [];
    // Commands a script runs inside Redis are reported too, from "lua": only round trips count.
    monitor.on(
      "monitor",
      (_time: string, args: string[], source: string) => source !== "lua" && seen.push(String(args[0]).toLowerCase()),
    );
    // MONITOR starts reporting once Redis answered it: wait until our own marker shows up.
    const marker = admin();
    await waitFor(async () => (await marker.echo("marker"), seen.includes("echo")), "MONITOR to report", 5_000);
    seen.length = 0;
    const payload = JSON.stringify({ body: "x".repeat(20_000) });
    for (let i = 0; i < 5; i++)
      expect(await deliveries.add(delivery(`k${i}`, { payload }))).toEqual({ inserted: true });
    expect(await deliveries.add(delivery("k0", { payload }))).toEqual({ inserted: false });
    const claim = (await queue.claim(60_000))!;
    expect(await queue.finish(claim.lease, { status: "done" })).toBe(true);
    await marker.echo("end");
    await waitFor(() => seen.includes("echo"), "the end marker", 5_000);
    expect(seen.filter((command) => command !== "echo")).toEqual(
      Array.from({ length: 8 }, () => expect.stringMatching(/^eval(sha)?$/)),
    );
  });

  it("opens the tool server's stores on one plain connection, sharing runs, the comment budget and observations with the relay", async () => {
    const config = configFor();
    let now = 10_000;
    const relay = track(await openRedisRelayStores(config, { now: () => now }));
    const clients = async () =>
      String(await admin().client("LIST"))
        .trim()
        .split("\n").length;
    const before = await clients();
    const tool = track(await openRedisToolServerStores(config, { now: () => now }));
    // The admin connection made by clients() the second time, and the tool server's one.
    expect(await clients()).toBe(before + 2);
    await relay.deliveries.add(delivery("h:run", { deliveryId: "gr" }));
    await relay.runs.add({
      chatId: "chat-1",
      deliveryKey: "h:run",
      deliveryId: "gr",
      owner: "o",
      repo: "r",
      issueNumber: 3,
      messageId: "m",
    });
    await tool.runs.setComment("chat-1", { id: 42, url: "https://github.com/o/r/issues/3#issuecomment-42" });
    expect(await relay.runs.get("chat-1")).toMatchObject({ commentId: 42, createdAt: 10_000 });
    const limits = [{ max: 1, windowMs: 1_000 }];
    expect(await tool.coordination.reserveWrite("token", limits)).toEqual({ ok: true });
    now += 500;
    expect(await relay.coordination.reserveWrite("token", limits)).toEqual({ ok: false, retryInMs: 701 });
    // Observe mode: what the tool server records, the relay's page shows.
    const write = { deliveryKey: "h:run", deliveryId: "gr", chatId: "chat-1", rule: "triage", owner: "o", repo: "r" };
    await tool.observations.record({
      ...write,
      issueNumber: 3,
      tool: "add_labels",
      target: "o/r#3",
      text: null,
      labels: ["bug"],
    });
    expect(await relay.observations.ofDeliveries(["h:run"])).toMatchObject([{ tool: "add_labels", labels: ["bug"] }]);
  });

  it("keeps a key per comment budget, and retention trims the spent slots of every budget", async () => {
    const prefix = `test-${randomUUID()}`;
    let now = 1_000;
    const stores = track(await openRedisRelayStores(configFor(prefix), { now: () => now }));
    const limits = [{ max: 5, windowMs: 60_000 }];
    for (const budget of ["token", "installation:1", "installation:2"])
      expect(await stores.coordination.reserveWrite(budget, limits)).toEqual({ ok: true });
    const redis = admin();
    const slots = (budget: string) => redis.zcard(`${prefix}:writes:${budget}`);
    expect([await slots("installation:1"), await slots("installation:2")]).toEqual([1, 1]);
    now += 2 * 60_000;
    await stores.deliveries.prune({ keepMs: 60_000, keepFailedMs: 60_000, batchSize: 10 }, now);
    expect([await slots("token"), await slots("installation:1"), await slots("installation:2")]).toEqual([0, 0, 0]);
  });

  it("keeps each deployment's keys under its own prefix, apart from another's on the same Redis", async () => {
    const prefix = `test-${randomUUID()}`;
    const mine = track(await openRedisRelayStores(configFor(prefix)));
    const theirs = track(await openRedisRelayStores(configFor()));
    await mine.deliveries.add(delivery("same-key"));
    expect(await theirs.deliveries.add(delivery("same-key"))).toEqual({ inserted: true });
    const claim = (await mine.queue.claim(60_000))!;
    await mine.queue.retry(claim.lease, { error: "502", at: 0 });
    await mine.coordination.reserveWrite("token", [{ max: 5, windowMs: 1_000 }]);
    await mine.coordination.tryLock("l", "me", 1_000);
    expect((await theirs.queue.claim(60_000))?.delivery.attempts).toBe(1);
    expect(await theirs.queue.claim(60_000)).toBeUndefined();
    expect((await theirs.deliveries.counts()).running).toBe(1);
    const keys = await admin().keys("*");
    expect(keys.filter((k) => k.startsWith(`${prefix}:`)).length).toBeGreaterThan(5);
    expect(keys.filter((k) => !k.startsWith(`${prefix}:`) && !k.startsWith("test-"))).toEqual([]);
  });

  it("hands out deliveries that came due in the order they arrived, not the order they came due", async () => {
    let now = 1_000;
    const { deliveries, queue } = track(await openRedisRelayStores(configFor(), { now: () => now }));
    for (const key of ["older", "younger"]) await deliveries.add(delivery(key));
    const older = (await queue.claim(60_000))!;
    const younger = (await queue.claim(60_000))!;
    await queue.retry(younger.lease, { error: "502", at: 1_500 });
    await queue.retry(older.lease, { error: "502", at: 2_000 });
    now = 2_000;
    expect((await queue.claim(60_000))?.delivery.key).toBe("older");
    expect((await queue.claim(60_000))?.delivery.key).toBe("younger");
  });

  it("says how Redis persists what it acknowledges", async () => {
    expect(track(await openRedisRelayStores(configFor())).persistence).toEqual({
      appendonly: "yes",
      appendfsync: "everysec",
    });
  });
});
