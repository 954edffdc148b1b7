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
    expect(await other.runs.get("chat-1")).toEqual({ ...run, commentId: null, commentUrl: null, createdAt: 4_000 });
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
    });
  });
});
