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
});
