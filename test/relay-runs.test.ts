import { afterEach, describe, expect, it } from "vitest";
import { analystScript, toolResults } from "../stand-ins/model-scripts.ts";
import { deliver, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { startSystem, toolServerKey, webhookSecret, type System } from "./support/system.ts";

describe("relay runs under load, timeouts and GitHub trouble", () => {
  let system: System;

  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    expect(system.model.errors).toEqual([]);
    // No credential of any kind reaches the logs, whatever happened in the test.
    const logs = system.logs.join("\n");
    for (const secret of [
      webhookSecret,
      toolServerKey,
      system.openWebUI.apiKey,
      system.model.apiKey,
      "ghp_standin_token_0123456789",
    ]) {
      expect(logs).not.toContain(secret);
    }
    await system.close();
  });

  async function finished(deliveryId: string, timeoutMs = 10_000) {
    return waitFor(
      async () => {
        const record = await system.stores.deliveries.findByDeliveryId(deliveryId);
        return record && ["done", "failed", "ignored", "dead"].includes(record.status) ? record : undefined;
      },
      `delivery ${deliveryId} to finish`,
      timeoutMs,
    );
  }

  it("never runs more deliveries at once than RELAY_CONCURRENCY", async () => {
    let running = 0;
    let most = 0;
    const analyst = analystScript(() => "ok");
    system = await startSystem({
      relayEnv: { RELAY_CONCURRENCY: "2" },
      script: async (request, index) => {
        if (toolResults(request).length > 0) return analyst(request, index);
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 150));
        running--;
        return analyst(request, index);
      },
    });
    const ids: string[] = [];
    for (const number of [1, 2, 3, 4, 5]) {
      system.github.addIssueFromPayload(issuesOpened({ number }));
      ids.push(
        (
          await deliver(system.webhookUrl, {
            event: "issues",
            payload: issuesOpened({ number }),
            secret: webhookSecret,
          })
        ).deliveryId,
      );
    }
    for (const id of ids) expect((await finished(id)).status).toBe("done");
    expect(most).toBe(2);
    for (const number of [1, 2, 3, 4, 5])
      expect(system.github.comments("Codertocat", "Hello-World", number)).toHaveLength(1);
  });

  it("queues comments within GitHub's content-creation limits: a burst, no rate-limit error, every issue commented", async () => {
    // GitHub's 80 a minute and 500 an hour, shrunk to 4 a second and 10 in 4 seconds.
    const limits = [
      { max: 4, windowMs: 1_000 },
      { max: 10, windowMs: 4_000 },
    ];
    system = await startSystem({
      script: analystScript((issue) => `Analysis of #${String(issue.number)}.`),
      githubOptions: { contentLimits: limits },
      commentLimits: limits,
      relayEnv: { RELAY_CONCURRENCY: "4" },
    });
    const numbers = Array.from({ length: 14 }, (_, i) => i + 1);
    const ids: string[] = [];
    const started = Date.now();
    for (const number of numbers) {
      system.github.addIssueFromPayload(issuesOpened({ number }));
      ids.push(
        (
          await deliver(system.webhookUrl, {
            event: "issues",
            payload: issuesOpened({ number }),
            secret: webhookSecret,
          })
        ).deliveryId,
      );
    }
    for (const id of ids) expect((await finished(id, 20_000)).status).toBe("done");
    const elapsed = Date.now() - started;
    expect(system.github.contentLimitHits).toBe(0);
    for (const number of numbers) expect(system.github.comments("Codertocat", "Hello-World", number)).toHaveLength(1);
    // 14 comments with at most 10 in any 4 s (stretched to 4.8 s for safety) cannot all land in under 4.8 s.
    expect(elapsed).toBeGreaterThan(4_800);
  });

  it("retries a run that takes longer than OPENWEBUI_TIMEOUT_MS, then dead-letters it with the reason", async () => {
    system = await startSystem({
      // The waits inside a run shrink with it, as the timing contract asks.
      relayEnv: {
        OPENWEBUI_TIMEOUT_MS: "1000",
        OPENWEBUI_REQUEST_TIMEOUT_MS: "1000",
        GITHUB_COMMENT_LOCK_MS: "1000",
        GITHUB_COMMENT_BUDGET_WAIT_MS: "0",
        GITHUB_TIMEOUT_MS: "1000",
        GITHUB_RATE_LIMIT_RETRIES: "0",
        RELAY_MAX_ATTEMPTS: "2",
        RELAY_RETRY_BASE_MS: "50",
      },
      script: async () => {
        await new Promise((r) => setTimeout(r, 1_500));
        return { content: "too late" };
      },
    });
    system.github.addIssueFromPayload(issuesOpened());
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    const record = await finished(deliveryId);
    expect(record).toMatchObject({ status: "dead", attempts: 2 });
    expect(record.reason).toMatch(
      /^gave up after 2 attempts: Open WebUI did not answer POST \/api\/chat\/completions within 1000 ms/,
    );
    expect(record.lastError).toBe(record.reason);
  });

  it("waits out a secondary rate limit on the comment and posts it once", async () => {
    system = await startSystem({ script: analystScript(() => "Rate limited, still posted.") });
    system.github.addIssueFromPayload(issuesOpened());
    system.github.failNext(1, "secondary-rate-limit", { method: "POST", pathIncludes: "/comments" });
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    expect((await finished(deliveryId)).status).toBe("done");
    expect(system.github.comments("Codertocat", "Hello-World", 1)).toHaveLength(1);
    const posts = system.github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/comments"));
    expect(posts.map((r) => r.status)).toEqual([403, 201]);
  });

  it("after a 502 on creating the comment, looks for it, and posts once on the next attempt", async () => {
    system = await startSystem({
      script: () => ({ content: "Posted despite a 502." }),
      relayEnv: { RELAY_RETRY_BASE_MS: "50" },
    });
    system.github.addIssueFromPayload(issuesOpened());
    system.github.failNext(1, "bad-gateway", { method: "POST", pathIncludes: "/comments" });
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    const record = await finished(deliveryId);
    expect(record).toMatchObject({
      status: "done",
      attempts: 2,
      lastError: expect.stringMatching(/GitHub answered 502/),
    });
    const posts = system.github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/comments"));
    expect(posts.map((r) => r.status)).toEqual([502, 201]);
    expect(system.github.comments("Codertocat", "Hello-World", 1).map((c) => c.body)).toEqual([
      expect.stringContaining("Posted despite a 502."),
    ]);
  });

  it("does not spend retries on a permanent error: an issue that is gone fails at once", async () => {
    system = await startSystem({
      script: () => ({ content: "An answer for a deleted issue." }),
      relayEnv: { RELAY_RETRY_BASE_MS: "50", RELAY_MAX_ATTEMPTS: "5" },
    });
    // The stand-in has no such issue: GitHub answers 404 to the comment.
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    const record = await finished(deliveryId);
    expect(record).toMatchObject({
      status: "failed",
      attempts: 1,
      reason: expect.stringMatching(/GitHub answered 404/),
    });
    expect(system.openWebUI.completionRequests).toHaveLength(1);
  });

  it("dead-letters a delivery while Open WebUI is down, and an admin replays it once it is back", async () => {
    system = await startSystem({ script: analystScript(() => "Back again."), startRelay: false });
    system.github.addIssueFromPayload(issuesOpened());
    const adminToken = "relay-admin-token-0123456789";
    await system.startRelay({
      OPENWEBUI_URL: "http://127.0.0.1:9",
      RELAY_MAX_ATTEMPTS: "3",
      RELAY_RETRY_BASE_MS: "20",
      RELAY_ADMIN_TOKEN: adminToken,
    });
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    const dead = await finished(deliveryId);
    expect(dead).toMatchObject({
      status: "dead",
      attempts: 3,
      reason: expect.stringMatching(/^gave up after 3 attempts: Open WebUI could not be reached/),
    });

    await system.stopRelay();
    await system.startRelay({ RELAY_ADMIN_TOKEN: adminToken });
    const listed = await fetch(`${system.relayUrl}/api/deliveries?status=dead`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(listed.status).toBe(200);
    expect(
      ((await listed.json()) as { deliveries: Array<{ deliveryId: string }> }).deliveries.map((d) => d.deliveryId),
    ).toEqual([deliveryId]);
    expect((await fetch(`${system.relayUrl}/api/deliveries/${deliveryId}/replay`, { method: "POST" })).status).toBe(
      401,
    );
    const replayed = await fetch(`${system.relayUrl}/api/deliveries/${deliveryId}/replay`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(replayed.status).toBe(202);
    const done = await waitFor(async () => {
      const r = await system.stores.deliveries.findByDeliveryId(deliveryId);
      return r?.status === "done" ? r : undefined;
    }, "the replayed delivery");
    expect(done.attempts).toBe(1);
    expect(system.github.comments("Codertocat", "Hello-World", 1)).toHaveLength(1);
    const again = await fetch(`${system.relayUrl}/api/deliveries/${deliveryId}/replay`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(again.status).toBe(409);
  });
});

describe("people chatting in Open WebUI with the GitHub tools switched on", () => {
  let system: System;
  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    await system.close();
  });

  async function chat(question: string) {
    const headers = { authorization: `Bearer ${system.openWebUI.apiKey}`, "content-type": "application/json" };
    const userId = crypto.randomUUID();
    const answerId = crypto.randomUUID();
    const created = await fetch(`${system.openWebUI.url}/api/v1/chats/new`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        chat: {
          title: "Ask",
          models: ["gpt-5"],
          history: {
            currentId: userId,
            messages: { [userId]: { id: userId, parentId: null, childrenIds: [], role: "user", content: question } },
          },
        },
      }),
    });
    const { id: chatId } = (await created.json()) as { id: string };
    const response = await fetch(`${system.openWebUI.url}/api/chat/completions`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        model: "gpt-5",
        stream: true,
        chat_id: chatId,
        id: answerId,
        user_message: { id: userId },
        tool_ids: ["server:github"],
        messages: [{ role: "user", content: question }],
      }),
    });
    expect(response.status).toBe(200);
    return system.openWebUI.chats.get(chatId)!.chat.history!.messages[answerId]!;
  }

  it("answers from get_issue, and may comment on any allowed issue since no relay run is behind the chat", async () => {
    system = await startSystem({
      startRelay: false,
      // The signed-in admin may write: Open WebUI's signed JWT says who they are.
      people: {
        default: "read",
        grants: [{ role: "admin", repos: ["octo/*"], access: "write" }],
        comments_per_hour: 20,
        attribution: true,
      },
      script: (request) => {
        const step = toolResults(request).length;
        if (step === 0)
          return { toolCalls: [{ name: "get_issue", arguments: { owner: "octo", repo: "app", issue_number: 3 } }] };
        if (step === 1)
          return {
            toolCalls: [
              {
                name: "post_issue_comment",
                arguments: { owner: "octo", repo: "app", issue_number: 3, body: "Thanks, looking into it." },
              },
            ],
          };
        const issue = JSON.parse(String(toolResults(request)[0]!.content)) as { title: string };
        return { content: `The issue is titled "${issue.title}". I commented.` };
      },
    });
    system.github.addIssue({
      owner: "octo",
      repo: "app",
      number: 3,
      title: "Login button does nothing",
      body: "Click, nothing.",
    });
    const answer = await chat("What is octo/app#3 about? Reply on it.");
    expect(answer.content).toBe('The issue is titled "Login button does nothing". I commented.');
    expect(system.github.comments("octo", "app", 3).map((c) => c.body.split("\n")[0])).toEqual([
      "Thanks, looking into it.",
    ]);
    expect(
      system.openWebUI.toolCalls.every((c) => c.headers["x-openwebui-user-name"] === system.openWebUI.user.name),
    ).toBe(true);
  });

  it("cannot reach a repository outside the allow-list", async () => {
    system = await startSystem({
      startRelay: false,
      script: (request) => {
        if (toolResults(request).length === 0)
          return {
            toolCalls: [{ name: "get_issue", arguments: { owner: "torvalds", repo: "linux", issue_number: 1 } }],
          };
        return { content: String(JSON.parse(String(toolResults(request)[0]!.content)).error) };
      },
    });
    const answer = await chat("Read torvalds/linux#1");
    expect(answer.content).toMatch(/HTTP error 403: .*torvalds\/linux is not one this tool server may use/);
    expect(system.github.requests.filter((r) => r.path.includes("torvalds"))).toEqual([]);
  });
});
