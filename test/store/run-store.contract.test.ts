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
      rule: null,
      reviewCommentId: null,
      commentsPosted: 0,
      labelsAdded: [],
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

  it("keeps what the run's rule allows, empty lists included, and the review thread it answers in", async () => {
    const { deliveries, runs } = await open();
    await deliveries.add(delivery("h:run", { deliveryId: "gr" }));
    const rule = {
      name: "triage",
      mode: "observe" as const,
      tools: ["get_issue", "add_labels"],
      labels: [],
      workflows: ["triage.yml"],
      maxComments: 2,
      maxLabels: 3,
      comment: "update" as const,
    };
    await runs.add({ ...run, rule, reviewCommentId: 9_000_000_001 });
    // The tool server (another process) enforces exactly these.
    const other = await open();
    expect(await other.runs.get("chat-1")).toMatchObject({ rule, reviewCommentId: 9_000_000_001 });
    await runs.add({ ...run, chatId: "chat-2", messageId: "m2", rule: { ...rule, tools: null, labels: ["bug"] } });
    expect((await runs.get("chat-2"))?.rule).toEqual({ ...rule, tools: null, labels: ["bug"] });
  });

  it("keeps what the run has written so far, for its rule's caps, where the tool server reads it", async () => {
    const { deliveries, runs } = await open();
    await deliveries.add(delivery("h:run", { deliveryId: "gr" }));
    await runs.add(run);
    await runs.add({ ...run, chatId: "chat-2", messageId: "m2" });
    await runs.setCommentsPosted("chat-1", 2);
    await runs.setLabelsAdded("chat-1", ["bug", "needs-info"]);
    await runs.setLabelsAdded("chat-missing", ["bug"]);
    const other = await open();
    expect(await other.runs.get("chat-1")).toMatchObject({ commentsPosted: 2, labelsAdded: ["bug", "needs-info"] });
    expect(await other.runs.get("chat-2")).toMatchObject({ commentsPosted: 0, labelsAdded: [] });
    expect(await other.runs.get("chat-missing")).toBeUndefined();
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
      rule: null,
      reviewCommentId: null,
      commentsPosted: 0,
      labelsAdded: [],
      live: true,
    });
  });

  it("keeps a thread's one comment and its newest delivery: a later delivery supersedes, an earlier or repeated one does not", async () => {
    const { runs } = await open();
    const thread = "summarize:o/r#3";
    expect(await runs.threadOf(thread)).toBeUndefined();
    const older = { deliveryKey: "summarize:o/r#3@aaa", deliveryId: "g1", receivedAt: 1_000 };
    const newer = { deliveryKey: "summarize:o/r#3@bbb", deliveryId: "g2", receivedAt: 2_000 };
    expect(await runs.claimThread(thread, older)).toEqual(older);
    // A retry of the same delivery keeps its claim.
    expect(await runs.claimThread(thread, older)).toEqual(older);
    const other = await open();
    expect(await other.runs.claimThread(thread, newer)).toEqual(newer);
    // The older delivery's retry (or a replay) comes back to find itself superseded.
    expect(await runs.claimThread(thread, older)).toEqual(newer);
    // Received in the same millisecond: the greater key wins, on every process alike.
    const tied = { deliveryKey: "summarize:o/r#3@ccc", deliveryId: "g3", receivedAt: 2_000 };
    expect(await runs.claimThread(thread, tied)).toEqual(tied);
    expect(await other.runs.claimThread(thread, newer)).toEqual(tied);
    expect(await other.runs.threadOf(thread)).toEqual({ comment: null, newest: tied });

    await other.runs.setThreadComment(thread, { id: 42, url: "https://github.com/o/r/pull/3#issuecomment-42" });
    expect(await runs.threadOf(thread)).toEqual({
      comment: { id: 42, url: "https://github.com/o/r/pull/3#issuecomment-42" },
      newest: tied,
    });
    // Another rule, or another pull request, is another thread.
    expect(await runs.threadOf("summarize:o/r#4")).toBeUndefined();
    await runs.setThreadComment("other:o/r#3", { id: 43, url: "https://github.com/o/r/pull/3#issuecomment-43" });
    expect(await runs.threadOf("other:o/r#3")).toEqual({
      comment: { id: 43, url: "https://github.com/o/r/pull/3#issuecomment-43" },
      newest: null,
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
