import { describe, expect, it } from "vitest";
import { contractBackends, newDelivery as delivery, useStores } from "../support/store-backends.ts";

describe.each(contractBackends())("the $name run store", (backend) => {
  const open = useStores(backend);
  const run = {
    chatId: "chat-1",
    deliveryKey: "h:run",
    deliveryId: "gr",
    owner: "o",
    repo: "r",
    issueNumber: 3,
    messageId: "m",
  };

  it("records a run once, links it to its delivery, and keeps its comment", async () => {
    let now = 4_000;
    const { deliveries, runs } = await open(() => now);
    await deliveries.add(delivery("h:run", { deliveryId: "gr" }));
    await runs.add(run);
    await expect(runs.add(run)).rejects.toThrow();
    // The tool server (another process) sees it.
    const other = await open(() => now);
    expect(await other.runs.get("chat-1")).toEqual({
      ...run,
      commentId: null,
      commentUrl: null,
      createdAt: 4_000,
      userId: null,
      finishedAt: null,
      live: true,
    });
    expect((await other.deliveries.get("h:run"))?.chatId).toBe("chat-1");
    now = 5_000;
    await other.runs.setComment("chat-1", { id: 42, url: "https://github.com/o/r/issues/3#issuecomment-42" });
    expect(await runs.get("chat-1")).toMatchObject({
      commentId: 42,
      commentUrl: "https://github.com/o/r/issues/3#issuecomment-42",
      createdAt: 4_000,
    });
    expect(await runs.get("chat-2")).toBeUndefined();
  });

  it("keeps the run's Open WebUI account, and a run is live only until it finishes or its delivery moves on", async () => {
    let now = 1_000;
    const { deliveries, queue, runs } = await open(() => now);
    await deliveries.add(delivery("h:run", { deliveryId: "gr" }));
    const claim = (await queue.claim(60_000))!;
    await runs.add({ ...run, userId: "relay-account" });
    expect(await runs.get("chat-1")).toMatchObject({ userId: "relay-account", finishedAt: null, live: true });
    // A retry's new run supersedes it: the old chat id no longer names a live run.
    await runs.add({ ...run, chatId: "chat-2", messageId: "m2", userId: "relay-account" });
    expect(await runs.get("chat-1")).toMatchObject({ live: false });
    expect(await runs.get("chat-2")).toMatchObject({ live: true });
    now = 2_000;
    await runs.finish("chat-2");
    await runs.finish("chat-2");
    expect(await runs.get("chat-2")).toMatchObject({ finishedAt: 2_000, live: false });
    // A run never marked finished ends with its delivery all the same.
    await deliveries.add(delivery("h:other", { deliveryId: "go" }));
    await runs.add({ ...run, chatId: "chat-3", deliveryKey: "h:other", deliveryId: "go" });
    expect(await runs.get("chat-3")).toMatchObject({ live: true });
    await queue.finish(claim.lease, { status: "done" });
    expect(await runs.get("chat-3")).toMatchObject({ live: true });
    const other = (await queue.claim(60_000))!;
    expect(other.lease.key).toBe("h:other");
    await queue.finish(other.lease, { status: "failed", reason: "x" });
    expect(await runs.get("chat-3")).toMatchObject({ finishedAt: null, live: false });
  });

  it("keeps each of a delivery's runs (a retry starts a new chat), the delivery pointing at the latest", async () => {
    const { deliveries, runs } = await open();
    await deliveries.add(delivery("h:run", { deliveryId: "gr" }));
    await runs.add(run);
    await runs.add({ ...run, chatId: "chat-2", messageId: "m2" });
    expect(await runs.get("chat-1")).toMatchObject({ chatId: "chat-1", messageId: "m" });
    expect(await runs.get("chat-2")).toMatchObject({ chatId: "chat-2", messageId: "m2" });
    expect((await deliveries.get("h:run"))?.chatId).toBe("chat-2");
  });

  it("finds the comment any run of a delivery recorded, and the answer its latest run kept", async () => {
    let now = 1_000;
    const { deliveries, runs } = await open(() => now);
    await deliveries.add(delivery("h:run", { deliveryId: "gr" }));
    await deliveries.add(delivery("h:other", { deliveryId: "go" }));
    await runs.add(run);
    now = 2_000;
    await runs.add({ ...run, chatId: "chat-2", messageId: "m2" });
    await runs.add({ ...run, chatId: "chat-3", deliveryKey: "h:other", deliveryId: "go" });
    expect(await runs.commentOf("h:run")).toBeUndefined();
    expect(await runs.keptAnswerOf("h:run")).toBeUndefined();

    await runs.keepAnswer("chat-1", "first answer");
    await runs.keepAnswer("chat-2", "second answer");
    const other = await open(() => now);
    expect(await other.runs.keptAnswerOf("h:run")).toEqual({ chatId: "chat-2", answer: "second answer" });
    // The first run's comment is the delivery's, whichever run asks.
    await runs.setComment("chat-1", { id: 7, url: "https://github.com/o/r/issues/3#issuecomment-7" });
    expect(await other.runs.commentOf("h:run")).toEqual({
      id: 7,
      url: "https://github.com/o/r/issues/3#issuecomment-7",
    });
    expect(await other.runs.commentOf("h:other")).toBeUndefined();
    expect(await other.runs.keptAnswerOf("h:other")).toBeUndefined();
    expect(await other.runs.commentOf("h:missing")).toBeUndefined();
    // Keeping the answer leaves the run as the tool server reads it.
    expect(await other.runs.get("chat-2")).toEqual({
      ...run,
      chatId: "chat-2",
      messageId: "m2",
      commentId: null,
      commentUrl: null,
      createdAt: 2_000,
      userId: null,
      finishedAt: null,
      live: true,
    });
  });

  it("keeps who asked a chat run, for the tool server to apply that person's policy; other runs have no asker", async () => {
    const { deliveries, runs } = await open(() => 1_000);
    await deliveries.add(delivery("slack:event:Ev1", { deliveryId: "Ev1" }));
    await deliveries.add(delivery("h:run", { deliveryId: "gr" }));
    const chat = {
      ...run,
      chatId: "chat-slack",
      deliveryKey: "slack:event:Ev1",
      deliveryId: "Ev1",
      owner: "",
      repo: "",
      issueNumber: 0,
    };
    await runs.add({ ...chat, userId: "relay-account", askedBy: "slack:U061F7AUR" });
    await runs.add(run);
    const other = await open(() => 1_000);
    expect(await other.runs.get("chat-slack")).toMatchObject({
      askedBy: "slack:U061F7AUR",
      owner: "",
      issueNumber: 0,
      live: true,
    });
    expect(await other.runs.get("chat-1")).not.toHaveProperty("askedBy");
  });
});
