import { describe, expect, it } from "vitest";
import { contractBackends, newDelivery as delivery, useStores } from "../support/store-backends.ts";

describe.each(contractBackends())("the $name delivery log", (backend) => {
  const open = useStores(backend);

  it("refuses a new delivery in a status other than pending or ignored, and a list by an unknown status", async () => {
    const { deliveries } = await open();
    await expect(deliveries.add(delivery("bad", { status: "running" as "pending" }))).rejects.toThrow(
      /pending or ignored, not "running"/,
    );
    expect(await deliveries.get("bad")).toBeUndefined();
    await expect(deliveries.list({ status: "lost" as "done", limit: 5 })).rejects.toThrow(/no delivery status "lost"/);
  });

  it("stores a delivery once per key, with every field, and finds it by key and by GUID", async () => {
    const { deliveries } = await open();
    expect(await deliveries.add(delivery("h:1", { deliveryId: "g1", repository: "o/r", issueNumber: 7 }))).toEqual({
      inserted: true,
    });
    expect(await deliveries.add(delivery("h:1", { deliveryId: "g1" }))).toEqual({ inserted: false });
    // Another process sees it, and its duplicate is a duplicate too.
    const other = (await open()).deliveries;
    expect(await other.add(delivery("h:1", { deliveryId: "g1" }))).toEqual({ inserted: false });
    expect(await other.get("h:1")).toMatchObject({
      key: "h:1",
      deliveryId: "g1",
      event: "issues",
      action: "opened",
      status: "pending",
      reason: null,
      repository: "o/r",
      issueNumber: 7,
      rule: null,
      payload: '{"n":"h:1"}',
      attempts: 0,
      chatId: null,
      commentUrl: null,
      lastError: null,
      notifyError: null,
      nextAttemptAt: null,
      startedAt: null,
      finishedAt: null,
    });
    expect(await deliveries.get("nope")).toBeUndefined();
    await deliveries.add({
      key: "h:2",
      deliveryId: "g2",
      event: "push",
      action: null,
      status: "ignored",
      reason: "not an issue",
    });
    expect(await deliveries.findByDeliveryId("g2")).toMatchObject({
      key: "h:2",
      status: "ignored",
      action: null,
      reason: "not an issue",
      payload: null,
      repository: null,
      issueNumber: null,
      rule: null,
    });
    await deliveries.add(delivery("triage:o/r#8", { deliveryId: "g3", rule: "triage" }));
    expect(await other.get("triage:o/r#8")).toMatchObject({ rule: "triage", status: "pending" });
    expect(await deliveries.findByDeliveryId("missing")).toBeUndefined();
  });

  it("finds the newest delivery of a GUID that several hooks received", async () => {
    let now = 1_000;
    const { deliveries } = await open(() => now);
    await deliveries.add(delivery("hook-a:g", { deliveryId: "g" }));
    now += 10;
    await deliveries.add(delivery("hook-b:g", { deliveryId: "g" }));
    expect((await deliveries.findByDeliveryId("g"))?.key).toBe("hook-b:g");
  });

  it("lets exactly one of many concurrent writers of the same key store it, whether they add it as pending or as ignored", async () => {
    const stores = [await open(), await open()];
    for (let round = 0; round < 3; round++) {
      const key = `race-${round}`;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          stores[i % 2]!.deliveries.add(
            i % 3 ? delivery(key) : { key, deliveryId: key, event: "push", action: null, status: "ignored" },
          ),
        ),
      );
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      // The one stored is what its winner added.
      const winner = results.findIndex((r) => r.inserted);
      expect((await stores[0]!.deliveries.get(key))?.status).toBe(winner % 3 ? "pending" : "ignored");
    }
    const counts = await stores[1]!.deliveries.counts();
    expect(counts.pending + counts.ignored).toBe(3);
  });

  it("lists deliveries newest first, by status, and counts them", async () => {
    let now = 1;
    const { deliveries } = await open(() => now);
    for (const key of ["x1", "x2", "x3"]) {
      await deliveries.add(delivery(key));
      now++;
    }
    await deliveries.add({ key: "i1", deliveryId: "i1", event: "push", action: null, status: "ignored" });
    expect((await deliveries.list({ limit: 10 })).map((d) => d.key)).toEqual(["i1", "x3", "x2", "x1"]);
    expect((await deliveries.list({ limit: 2 })).map((d) => d.key)).toEqual(["i1", "x3"]);
    expect((await deliveries.list({ status: "pending", limit: 10 })).map((d) => d.key)).toEqual(["x3", "x2", "x1"]);
    expect(await deliveries.list({ status: "dead", limit: 10 })).toEqual([]);
    expect(await deliveries.counts()).toEqual({ pending: 3, running: 0, done: 0, failed: 0, ignored: 1, dead: 0 });
  });

  it("keeps its counts true through every change a delivery goes through", async () => {
    let now = 1_000;
    const { deliveries, queue } = await open(() => now);
    const empty = { pending: 0, running: 0, done: 0, failed: 0, ignored: 0, dead: 0 };
    expect(await deliveries.counts()).toEqual(empty);
    await deliveries.add(delivery("a"));
    await deliveries.add(delivery("a"));
    await deliveries.add(delivery("b"));
    expect(await deliveries.counts()).toEqual({ ...empty, pending: 2 });
    const a = (await queue.claim(1_000))!;
    expect(await deliveries.counts()).toEqual({ ...empty, pending: 1, running: 1 });
    await queue.retry(a.lease, { error: "502", at: now });
    expect(await deliveries.counts()).toEqual({ ...empty, pending: 2 });
    const first = (await queue.claim(1_000))!;
    await queue.finish(first.lease, { status: "dead", reason: "gave up" });
    const second = (await queue.claim(1_000))!;
    // A lease that lapsed and is claimed again stays one running delivery.
    now += 2_000;
    const again = (await queue.claim(1_000))!;
    expect(again.delivery.key).toBe(second.delivery.key);
    expect(await deliveries.counts()).toEqual({ ...empty, running: 1, dead: 1 });
    await queue.finish(again.lease, { status: "failed", reason: "refused" });
    expect(await deliveries.counts()).toEqual({ ...empty, failed: 1, dead: 1 });
    await deliveries.replay(first.delivery.key);
    expect(await (await open(() => now)).deliveries.counts()).toEqual({ ...empty, pending: 1, failed: 1 });
  });

  it("replays a failed or dead delivery by key with fresh attempts, and nothing else", async () => {
    const { deliveries, queue } = await open();
    await deliveries.add(delivery("h:dead", { deliveryId: "g" }));
    await deliveries.add(delivery("h:done", { deliveryId: "g2" }));
    const dead = (await queue.claim(60_000))!;
    await queue.finish(dead.lease, { status: "dead", reason: "gave up after 1 attempts: 502" });
    const done = (await queue.claim(60_000))!;
    await queue.finish(done.lease, { status: "done" });
    expect(await deliveries.replay("h:done")).toBeUndefined();
    expect(await deliveries.replay("missing")).toBeUndefined();
    // A GUID is not a key: callers holding one look the key up first.
    expect(await deliveries.replay("g")).toBeUndefined();
    expect(await deliveries.replay("h:dead")).toMatchObject({
      key: "h:dead",
      status: "pending",
      attempts: 0,
      reason: null,
      nextAttemptAt: null,
      lastError: "gave up after 1 attempts: 502",
    });
    expect(await deliveries.replay("h:dead")).toBeUndefined();
    expect(await deliveries.get("h:done")).toMatchObject({ status: "done" });
    const replayed = (await queue.claim(60_000))!;
    expect(replayed.delivery).toMatchObject({ key: "h:dead", attempts: 1 });
    await queue.finish(replayed.lease, { status: "failed", reason: "refused" });
    expect(await (await open()).deliveries.replay("h:dead")).toMatchObject({ key: "h:dead", status: "pending" });
  });

  it("starts a rule's run on a thread once per cooldown, always for a retry of the same delivery, across processes", async () => {
    const { deliveries } = await open();
    const other = (await open()).deliveries;
    expect(await deliveries.startRuleRun("triage:o/r#1", "k1", 1_000, 60_000)).toBeNull();
    expect(await other.startRuleRun("triage:o/r#1", "k2", 30_000, 60_000)).toBe(1_000);
    // Its own retry, another thread, another rule: not held back.
    expect(await deliveries.startRuleRun("triage:o/r#1", "k1", 40_000, 60_000)).toBeNull();
    expect(await deliveries.startRuleRun("triage:o/r#2", "k3", 40_000, 60_000)).toBeNull();
    expect(await deliveries.startRuleRun("other:o/r#1", "k4", 40_000, 60_000)).toBeNull();
    // The refused one recorded nothing, and the retry did not move the start either.
    expect(await other.startRuleRun("triage:o/r#1", "k2", 61_000, 60_000)).toBeNull();
    expect(await deliveries.startRuleRun("triage:o/r#1", "k5", 62_000, 60_000)).toBe(61_000);
  });
});
