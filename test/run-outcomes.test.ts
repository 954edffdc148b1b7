import { afterEach, describe, expect, it } from "vitest";
import { analystScript } from "../stand-ins/model-scripts.ts";
import { deliver, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { storeBackends } from "./support/store-backends.ts";
import { acknowledgedByDeadRelay } from "./support/dead-relay.ts";
import { deliveryOutcome, startSystem, webhookSecret, type System } from "./support/system.ts";

const backends = storeBackends();

describe.each(backends)("what an earlier run left behind ($name store)", (backend) => {
  let system: System;

  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    expect(system.model.errors).toEqual([]);
    await system.close();
  });

  it("finishes a retry whose first attempt recorded its comment, even when GitHub's comment list does not show it", async () => {
    system = await startSystem({ ...backend.options(), script: analystScript(() => "Second run."), startRelay: false });
    system.github.addIssueFromPayload(issuesOpened());
    const deliveryId = (await acknowledgedByDeadRelay(system.stores.deliveries))[0]!;
    // The first attempt claimed it, started its run, posted and recorded the comment inside the
    // comment lock, then died. GitHub's list (eventually consistent) does not show the comment yet.
    const claim = await system.stores.queue.claim(1_000);
    expect(claim?.delivery.deliveryId).toBe(deliveryId);
    const chatId = "chat-of-the-first-attempt";
    await system.stores.runs.add({
      chatId,
      deliveryKey: claim!.delivery.key,
      deliveryId,
      owner: "Codertocat",
      repo: "Hello-World",
      issueNumber: 1,
      messageId: "m1",
    });
    const url = "https://github.com/Codertocat/Hello-World/issues/1#issuecomment-9001";
    await system.stores.runs.setComment(chatId, { id: 9001, url });

    await system.startRelay();
    expect(await deliveryOutcome(system.stores, deliveryId)).toMatchObject({
      status: "done",
      reason: "commented by an earlier attempt",
      commentUrl: url,
      attempts: 2,
    });
    expect(system.github.comments("Codertocat", "Hello-World", 1)).toEqual([]);
    expect(system.openWebUI.completionRequests).toHaveLength(0);
  });

  it("keeps the answer when the comment budget is used up after the model answered, waits without using an attempt, then posts that answer", async () => {
    const limits = [{ max: 1, windowMs: 2_000 }];
    system = await startSystem({
      ...backend.options(),
      // While the model works, someone else (a person's chat through the tool server) takes the
      // last comment slot. No tool call: the relay posts the answer itself (COMMENT_FALLBACK).
      script: async () => {
        expect(await system.stores.coordination.reserveWrite("token", limits)).toEqual({ ok: true });
        return { content: "The kept answer." };
      },
      // One comment per 2 s (stretched to 2.4 s); a run waits only 100 ms for it.
      commentLimits: limits,
      relayEnv: { GITHUB_COMMENT_BUDGET_WAIT_MS: "100" },
    });
    system.github.addIssueFromPayload(issuesOpened());
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });

    // The model answered; the budget stopped the comment: the delivery waits, its attempt given back.
    const waiting = await waitFor(async () => {
      const record = await system.stores.deliveries.findByDeliveryId(deliveryId);
      return record?.status === "pending" && record.chatId ? record : undefined;
    }, "the delivery to wait for the comment budget");
    expect(waiting.attempts).toBe(0);
    expect(waiting.nextAttemptAt).toBeGreaterThan(Date.now());
    expect(system.github.comments("Codertocat", "Hello-World", 1)).toEqual([]);

    expect(await deliveryOutcome(system.stores, deliveryId)).toMatchObject({
      status: "done",
      reason: "answer posted by the relay (fallback)",
      attempts: 1,
    });
    const comments = system.github.comments("Codertocat", "Hello-World", 1);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("The kept answer.");
    // The retry posted the kept answer without asking the model again.
    expect(system.openWebUI.completionRequests).toHaveLength(1);
    expect(system.model.requests).toHaveLength(1);
    expect(system.github.contentLimitHits).toBe(0);
  });
});

describe("a run's comment is found only among the relay's own", () => {
  let system: System;

  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    await system.close();
  });

  it("a retried delivery does not take another user's comment carrying its marker for its own, and posts its own", async () => {
    system = await startSystem({ script: analystScript(() => "The real analysis.") });
    system.github.addIssueFromPayload(issuesOpened());
    const deliveryId = "22222222-3333-4444-5555-666666666666";
    const forged = `fake <!-- openwebui-github:delivery=${deliveryId} -->`;
    system.github.addComment({
      owner: "Codertocat",
      repo: "Hello-World",
      issue_number: 1,
      body: forged,
      user: { login: "mallory" },
    });
    // A first attempt that died before doing anything: the retry looks for an earlier comment on GitHub.
    await system.stopRelay();
    await acknowledgedByDeadRelay(system.stores.deliveries, [issuesOpened()], { deliveryIds: [deliveryId] });
    await system.stores.queue.claim(1_000);

    await system.startRelay();
    expect(await deliveryOutcome(system.stores, deliveryId)).toMatchObject({
      status: "done",
      reason: "commented by the model",
      attempts: 2,
    });
    const comments = system.github.comments("Codertocat", "Hello-World", 1);
    expect(comments.map((c) => c.user.login)).toEqual(["mallory", system.github.login]);
    expect(comments[0]!.body).toBe(forged);
    expect(comments[1]!.body).toContain("The real analysis.");
  });
});
