import { describe, expect, it } from "vitest";
import { silentLogger } from "../../lib/logger.ts";
import { createWorker } from "../../relay/worker.ts";
import { contractBackends, newDelivery as delivery, useStores } from "../support/store-backends.ts";
import { waitFor } from "../../stand-ins/payloads.ts";

describe.each(contractBackends())("the $name delivery queue", (backend) => {
  const open = useStores(backend);

  it("hands out pending deliveries oldest first, counts an attempt at each claim, and leaves ignored ones alone", async () => {
    let now = 1_000;
    const { deliveries, queue } = await open(() => now);
    await deliveries.add(delivery("a"));
    now++;
    await deliveries.add(delivery("b"));
    await deliveries.add({ key: "c", deliveryId: "c", event: "push", action: null, status: "ignored" });
    const a = await queue.claim(100);
    expect(a).toMatchObject({
      delivery: { key: "a", status: "running", attempts: 1, startedAt: 1_001 },
      lease: { key: "a" },
    });
    expect((await queue.claim(60_000))?.delivery.key).toBe("b");
    expect(await queue.claim(100)).toBeUndefined();
    expect(
      await queue.finish(a!.lease, { status: "done", reason: "commented", commentUrl: "https://github.com/x" }),
    ).toBe(true);
    expect(await deliveries.get("a")).toMatchObject({
      status: "done",
      reason: "commented",
      commentUrl: "https://github.com/x",
      lastError: null,
      nextAttemptAt: null,
    });
    expect(await deliveries.counts()).toEqual({ pending: 0, running: 1, done: 1, failed: 0, ignored: 1, dead: 0 });
  });

  it("keeps the notifications that failed with a finished delivery; one whose notifications all went has none", async () => {
    const { deliveries, queue } = await open(() => 1_000);
    await deliveries.add(delivery("n"));
    const first = await queue.claim(60_000);
    const notifyError = "team-slack: Slack answered 404 no_service";
    await queue.finish(first!.lease, { status: "done", commentUrl: "https://github.com/c/1", notifyError });
    expect(await deliveries.get("n")).toMatchObject({ status: "done", lastError: null, notifyError });
    await deliveries.add(delivery("m"));
    const other = await queue.claim(60_000);
    await queue.finish(other!.lease, { status: "done", commentUrl: "https://github.com/c/2" });
    expect(await deliveries.get("m")).toMatchObject({ status: "done", notifyError: null });
  });

  it("never gives one delivery to two processes at once", async () => {
    const { deliveries, queue } = await open();
    const other = (await open()).queue;
    for (let i = 0; i < 10; i++) await deliveries.add(delivery(`k${i}`));
    const claims = await Promise.all(Array.from({ length: 14 }, (_, i) => (i % 2 ? queue : other).claim(60_000)));
    const keys = claims.filter((c) => c !== undefined).map((c) => c.delivery.key);
    expect(keys.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
    expect(new Set(claims.filter((c) => c !== undefined).map((c) => c.lease.token)).size).toBe(10);
  });

  it("retries not before the given time, defers without counting the attempt, and releases keeping it", async () => {
    let now = 5_000;
    const { deliveries, queue } = await open(() => now);
    await deliveries.add(delivery("r"));
    const first = (await queue.claim(60_000))!;
    expect(await queue.retry(first.lease, { error: "Open WebUI answered 502", at: 6_000 })).toBe(true);
    expect(await deliveries.get("r")).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "Open WebUI answered 502",
      nextAttemptAt: 6_000,
    });
    expect(await queue.claim(60_000)).toBeUndefined();
    now = 6_000;
    const second = (await queue.claim(60_000))!;
    expect(second.delivery).toMatchObject({ key: "r", attempts: 2 });
    expect(await queue.defer(second.lease, 7_000)).toBe(true);
    expect(await deliveries.get("r")).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: 7_000 });
    expect(await queue.claim(60_000)).toBeUndefined();
    now = 7_000;
    const third = (await queue.claim(60_000))!;
    expect(third.delivery).toMatchObject({ key: "r", attempts: 2 });
    expect(await queue.release(third.lease)).toBe(true);
    expect(await deliveries.get("r")).toMatchObject({ status: "pending", attempts: 2 });
    // A released delivery is claimable at once, as its next attempt.
    const fourth = (await queue.claim(60_000))!;
    expect(fourth.delivery).toMatchObject({ key: "r", attempts: 3 });
    expect(await queue.finish(fourth.lease, { status: "failed", reason: "issue gone" })).toBe(true);
    // Nothing goes through a lease once its delivery is finished.
    expect(await queue.release(fourth.lease)).toBe(false);
    expect(await queue.retry(fourth.lease, { error: "late", at: 0 })).toBe(false);
    expect(await deliveries.get("r")).toMatchObject({
      status: "failed",
      reason: "issue gone",
      lastError: "issue gone",
    });
  });

  it("lets anyone claim a delivery whose lease lapsed, and then ignores the old holder", async () => {
    let now = 1_000;
    const { deliveries, queue } = await open(() => now);
    const other = (await open(() => now)).queue;
    await deliveries.add(delivery("l"));
    const old = (await queue.claim(100))!;
    now += 100;
    expect(await other.claim(100)).toBeUndefined();
    now += 1;
    // No start-up sweep: a lapsed lease is simply claimable, by another process too, as a new attempt.
    const taken = (await other.claim(60_000))!;
    expect(taken.delivery).toMatchObject({ key: "l", status: "running", attempts: 2, startedAt: 1_101 });
    expect(taken.lease.token).not.toBe(old.lease.token);
    const before = await deliveries.get("l");
    expect(await queue.finish(old.lease, { status: "done" })).toBe(false);
    expect(await queue.retry(old.lease, { error: "late", at: 0 })).toBe(false);
    expect(await queue.defer(old.lease, 0)).toBe(false);
    expect(await queue.release(old.lease)).toBe(false);
    expect(await queue.renew(old.lease, 60_000)).toBe(false);
    expect(await deliveries.get("l")).toEqual(before);
    // The new holder's lease still works.
    expect(await other.finish(taken.lease, { status: "done" })).toBe(true);
    expect(await deliveries.get("l")).toMatchObject({ status: "done", attempts: 2 });
  });

  it("keeps a renewed lease from being claimed, and a lapsed but unclaimed one still its holder's", async () => {
    let now = 1_000;
    const { deliveries, queue } = await open(() => now);
    const other = (await open(() => now)).queue;
    await deliveries.add(delivery("n"));
    const held = (await queue.claim(100))!;
    for (let round = 0; round < 3; round++) {
      now += 80;
      expect(await queue.renew(held.lease, 100)).toBe(true);
      now += 80;
      expect(await other.claim(60_000)).toBeUndefined();
    }
    // Lapsed, with nobody having claimed it since: the holder's lease is still the current one.
    now += 500;
    expect(await queue.renew(held.lease, 100)).toBe(true);
    expect(await other.claim(60_000)).toBeUndefined();
    expect(await queue.finish(held.lease, { status: "done" })).toBe(true);
    expect(await deliveries.get("n")).toMatchObject({ status: "done", attempts: 1 });
  });

  it("records when the latest attempt started and when the delivery finished, for the page's duration", async () => {
    let now = 5_000;
    const { deliveries, queue } = await open(() => now);
    await deliveries.add(delivery("t"));
    expect(await deliveries.get("t")).toMatchObject({ startedAt: null, finishedAt: null });
    now = 6_000;
    const first = (await queue.claim(10_000))!;
    await queue.retry(first.lease, { error: "Open WebUI answered 502", at: 0 });
    now = 7_000;
    const second = (await queue.claim(10_000))!;
    expect(await deliveries.get("t")).toMatchObject({ status: "running", startedAt: 7_000, finishedAt: null });
    now = 9_500;
    await queue.finish(second.lease, { status: "failed", reason: "GitHub answered 404" });
    expect(await deliveries.get("t")).toMatchObject({ startedAt: 7_000, finishedAt: 9_500 });
    // A replayed delivery starts over: its next claim clears the old finish.
    await deliveries.replay("t");
    now = 10_000;
    await queue.claim(10_000);
    expect(await deliveries.get("t")).toMatchObject({ status: "running", startedAt: 10_000, finishedAt: null });
  });

  it("dead-letters at its next claim a delivery that took the process down on every attempt", async () => {
    let now = 1_000;
    const stores = await open(() => now);
    await stores.deliveries.add(delivery("k", { deliveryId: "d" }));
    // Two attempts that never finished (the process died during each): their leases lapse.
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect((await stores.queue.claim(100))?.delivery.attempts).toBe(attempt);
      now += 101;
    }
    let ran = 0;
    const worker = createWorker({
      queue: stores.queue,
      coordination: stores.coordination,
      process: async () => (ran++, { status: "done" }),
      concurrency: 1,
      leaseMs: 60_000,
      pollIntervalMs: 50,
      maxAttempts: 2,
      retry: { baseMs: 10, maxMs: 10 },
      writeLimits: [],
      budgetFor: async () => "token",
      logger: silentLogger,
    });
    worker.start();
    await waitFor(
      async () => (await stores.deliveries.get("k"))?.status === "dead",
      "the delivery to be dead-lettered",
      5_000,
    );
    await worker.stop();
    expect(await stores.deliveries.get("k")).toMatchObject({
      status: "dead",
      attempts: 3,
      reason: expect.stringMatching(/gave up after 2 attempts/),
    });
    expect(ran).toBe(0);
  });
});
