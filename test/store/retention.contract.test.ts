import { describe, expect, it } from "vitest";
import type { RetentionPolicy } from "../../store/delivery-log.ts";
import type { RelayStores } from "../../store/stores.ts";
import { contractBackends, newDelivery as delivery, useStores } from "../support/store-backends.ts";

const day = 86_400_000;
const policy: RetentionPolicy = { keepMs: 30 * day, keepFailedMs: 60 * day, batchSize: 500 };

/** Claims the next delivery and finishes it with `status`. */
async function finishNext(stores: RelayStores, status: "done" | "failed" | "dead", reason?: string) {
  const claim = await stores.queue.claim(60_000);
  if (!claim) throw new Error("nothing to claim");
  expect(await stores.queue.finish(claim.lease, { status, ...(reason ? { reason } : {}) })).toBe(true);
  return claim.delivery.key;
}

const issuePayload = (n: number) =>
  JSON.stringify({
    action: "opened",
    issue: {
      number: n,
      title: `Issue ${n} "quoted"`,
      html_url: `https://github.com/o/r/issues/${n}`,
      body: "x".repeat(4000),
    },
    repository: { name: "r", owner: { login: "o" } },
  });

describe.each(contractBackends())("$name retention", (backend) => {
  const open = useStores(backend);

  it("keeps only the issue's title and link of a done delivery's payload; failed and dead keep the whole payload", async () => {
    const stores = await open();
    for (const n of [1, 2, 3]) await stores.deliveries.add(delivery(`h:${n}`, { payload: issuePayload(n) }));
    await finishNext(stores, "done");
    await finishNext(stores, "failed", "refused");
    await finishNext(stores, "dead", "unreachable");
    const done = await stores.deliveries.get("h:1");
    expect(JSON.parse(done!.payload!)).toEqual({
      issue: { title: 'Issue 1 "quoted"', html_url: "https://github.com/o/r/issues/1" },
    });
    expect((await stores.deliveries.get("h:2"))?.payload).toBe(issuePayload(2));
    expect((await stores.deliveries.get("h:3"))?.payload).toBe(issuePayload(3));
  });

  it("removes finished deliveries past their age with their runs and GUIDs, failed and dead kept longer, never pending or running", async () => {
    let now = 1_000_000;
    const stores = await open(() => now);
    const { deliveries, runs } = stores;
    for (const n of [1, 2, 3, 4, 5]) await deliveries.add(delivery(`h:${n}`, { deliveryId: `g${n}` }));
    await deliveries.add({
      key: "h:i",
      deliveryId: "gi",
      event: "push",
      action: null,
      status: "ignored",
      reason: "no",
    });
    await finishNext(stores, "done");
    await runs.add({
      chatId: "c1",
      deliveryKey: "h:1",
      deliveryId: "g1",
      owner: "o",
      repo: "r",
      issueNumber: 1,
      messageId: "m",
    });
    await finishNext(stores, "failed", "refused");
    await finishNext(stores, "dead", "unreachable");
    const running = await stores.queue.claim(365 * day);
    expect(running?.delivery.key).toBe("h:4");
    // h:5 stays pending, h:4 running, for a year.
    now += 30 * day - 1;
    expect(await deliveries.prune(policy, now)).toEqual({ deleted: 0, runsDeleted: 0, more: false });
    now += 2;
    expect(await deliveries.prune(policy, now)).toEqual({ deleted: 2, runsDeleted: 1, more: false });
    expect(await deliveries.get("h:1")).toBeUndefined();
    expect(await deliveries.get("h:i")).toBeUndefined();
    expect(await deliveries.findByDeliveryId("g1")).toBeUndefined();
    expect(await runs.get("c1")).toBeUndefined();
    expect((await deliveries.list({ limit: 10 })).map((d) => d.key)).toEqual(["h:5", "h:4", "h:3", "h:2"]);
    now += 30 * day;
    expect(await deliveries.prune(policy, now)).toMatchObject({ deleted: 2 });
    now += 300 * day;
    expect(await deliveries.prune(policy, now)).toMatchObject({ deleted: 0 });
    expect((await deliveries.list({ limit: 10 })).map((d) => [d.key, d.status])).toEqual([
      ["h:5", "pending"],
      ["h:4", "running"],
    ]);
    expect(await deliveries.counts()).toEqual({ pending: 1, running: 1, done: 0, failed: 0, ignored: 0, dead: 0 });
  });

  it("removes at most a batch per call and says when there is more", async () => {
    let now = 0;
    const { deliveries } = await open(() => now);
    for (let n = 0; n < 7; n++)
      await deliveries.add({ key: `h:${n}`, deliveryId: `g${n}`, event: "push", action: null, status: "ignored" });
    now = 31 * day;
    const batch = { ...policy, batchSize: 3 };
    expect(await deliveries.prune(batch, now)).toEqual({ deleted: 3, runsDeleted: 0, more: true });
    expect(await deliveries.prune(batch, now)).toEqual({ deleted: 3, runsDeleted: 0, more: true });
    expect(await deliveries.prune(batch, now)).toEqual({ deleted: 1, runsDeleted: 0, more: false });
    expect((await deliveries.counts()).ignored).toBe(0);
  });

  it("keeps a replayed delivery for its age from the replay", async () => {
    let now = 0;
    const stores = await open(() => now);
    await stores.deliveries.add(delivery("h:r"));
    await finishNext(stores, "failed", "refused");
    now = 59 * day;
    await stores.deliveries.replay("h:r");
    await finishNext(stores, "done");
    now = 61 * day;
    expect(await stores.deliveries.prune(policy, now)).toMatchObject({ deleted: 0 });
    now = 89 * day + 1;
    expect(await stores.deliveries.prune(policy, now)).toMatchObject({ deleted: 1 });
  });

  it("leaves the GUID to a newer delivery of it that is kept", async () => {
    let now = 0;
    const stores = await open(() => now);
    await stores.deliveries.add(delivery("hook-a:g", { deliveryId: "g" }));
    await finishNext(stores, "done");
    now = 20 * day;
    await stores.deliveries.add(delivery("hook-b:g", { deliveryId: "g" }));
    await finishNext(stores, "done");
    now = 31 * day;
    expect(await stores.deliveries.prune(policy, now)).toMatchObject({ deleted: 1 });
    expect(await stores.deliveries.findByDeliveryId("g")).toMatchObject({ key: "hook-b:g" });
  });

  it("deletes every run of a delivery with it (a retry starts a new chat), and lists the chats to delete oldest first", async () => {
    let now = 0;
    const stores = await open(() => now);
    const { deliveries, runs } = stores;
    const run = { deliveryId: "g", owner: "o", repo: "r", issueNumber: 1, messageId: "m" };
    await deliveries.add(delivery("h:a", { deliveryId: "g" }));
    await deliveries.add(delivery("h:b", { deliveryId: "gb" }));
    await runs.add({ ...run, chatId: "chat-1", deliveryKey: "h:a" });
    now = 10;
    await runs.add({ ...run, chatId: "chat-2", deliveryKey: "h:a" });
    now = 20;
    await runs.add({ ...run, chatId: "chat-3", deliveryKey: "h:b", deliveryId: "gb" });
    expect(await runs.chatsToDelete(20, 10)).toEqual(["chat-1", "chat-2"]);
    expect(await runs.chatsToDelete(21, 1)).toEqual(["chat-1"]);
    await runs.chatDeleted("chat-1");
    expect(await runs.chatsToDelete(21, 10)).toEqual(["chat-2", "chat-3"]);
    // The run stays until its delivery goes.
    expect(await runs.get("chat-1")).toMatchObject({ deliveryKey: "h:a" });
    await finishNext(stores, "done");
    now = 31 * day;
    expect(await deliveries.prune(policy, now)).toEqual({ deleted: 1, runsDeleted: 2, more: false });
    expect(await runs.get("chat-1")).toBeUndefined();
    expect(await runs.get("chat-2")).toBeUndefined();
    expect(await runs.get("chat-3")).toMatchObject({ deliveryKey: "h:b" });
    expect(await runs.chatsToDelete(now, 10)).toEqual(["chat-3"]);
  });

  it("removes an old failed delivery even when one received before it was replayed since and is still young", async () => {
    let now = 0;
    const stores = await open(() => now);
    await stores.deliveries.add(delivery("h:1"));
    await stores.deliveries.add(delivery("h:2"));
    await finishNext(stores, "failed", "refused");
    await finishNext(stores, "failed", "refused");
    now = 50 * day;
    await stores.deliveries.replay("h:1");
    await finishNext(stores, "failed", "refused again");
    now = 61 * day;
    expect(await stores.deliveries.prune(policy, now)).toMatchObject({ deleted: 1 });
    expect(await stores.deliveries.get("h:2")).toBeUndefined();
    expect(await stores.deliveries.get("h:1")).toMatchObject({ status: "failed" });
  });
});
