import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFileLocation } from "../config/config-file-location.ts";
import { loadConfigFile } from "../config/load-config-file.ts";
import { deliver, issuesOpened } from "../stand-ins/payloads.ts";
import { deliveryOutcome, startSystem, webhookSecret } from "./support/system.ts";
import { startToolTestServer, type ToolTestServer } from "./support/tool-test-server.ts";

// A rule's max_comments and max_labels bound what one run writes, whatever the model asks (issue 13).
describe("a relay run writes at most what its rule's caps allow", () => {
  let tools: ToolTestServer;
  const app = { owner: "octo", repo: "app" };
  const chat = (chatId: string) => ({ "x-openwebui-chat-id": chatId });
  const comments = (issueNumber: number) => tools.github.comments("octo", "app", issueNumber);
  const labels = (number: number) => ({ ...app, issue_number: number });

  beforeAll(async () => {
    tools = await startToolTestServer({
      runs: [
        { chatId: "run-two-comments", ...app, issueNumber: 1, rule: { maxComments: 2 } },
        { chatId: "run-no-comments", ...app, issueNumber: 2, rule: { maxComments: 0 } },
        { chatId: "run-observed-no-comments", ...app, issueNumber: 2, rule: { maxComments: 0, mode: "observe" } },
        {
          chatId: "run-two-labels",
          ...app,
          issueNumber: 3,
          allowedLabels: ["bug", "question", "docs"],
          rule: { maxLabels: 2 },
        },
        { chatId: "run-no-labels", ...app, issueNumber: 4, allowedLabels: ["bug"], rule: { maxLabels: 0 } },
      ],
    });
    for (const number of [1, 2, 3, 4]) tools.github.addIssue({ ...app, number, title: `Issue ${number}`, body: null });
    for (const name of ["bug", "question", "docs"]) tools.github.addLabel({ ...app, name });
  });

  afterAll(async () => {
    await tools.close();
  });

  const comment = (chatId: string, issueNumber: number, body: string) =>
    tools.call("post_issue_comment", { ...app, issue_number: issueNumber, body }, chat(chatId));

  it("posts up to max_comments comments, then edits the last one instead of adding another", async () => {
    const first = await comment("run-two-comments", 1, "First part.");
    const second = await comment("run-two-comments", 1, "Second part.");
    const third = await comment("run-two-comments", 1, "Second part, corrected.");
    expect([first.body.updated, second.body.updated, third.body.updated]).toEqual([false, false, true]);
    expect(third.body.id).toBe(second.body.id);
    expect(comments(1).map((c) => c.body.split("\n")[2])).toEqual(["First part.", "Second part, corrected."]);
    // The delivery's comment (the deliveries page, a retry's first edit) stays the first one.
    expect((await tools.stores.runs.get("run-two-comments"))?.commentId).toBe(first.body.id);

    // A retry of the delivery (a new run, a new chat) edits the same two comments instead of adding more.
    const rule = (await tools.stores.runs.get("run-two-comments"))!.rule;
    const delivery = { deliveryKey: "1:delivery-of-run-two-comments", deliveryId: "delivery-of-run-two-comments" };
    await tools.stores.runs.add({
      chatId: "retry-two-comments",
      ...delivery,
      messageId: "m2",
      ...app,
      issueNumber: 1,
      rule,
    });
    const again = [
      await comment("retry-two-comments", 1, "Retried first."),
      await comment("retry-two-comments", 1, "Retried second."),
    ];
    expect(again.map((answer) => [answer.body.id, answer.body.updated])).toEqual([
      [first.body.id, true],
      [second.body.id, true],
    ]);
    expect(comments(1).map((c) => c.body.split("\n")[2])).toEqual(["Retried first.", "Retried second."]);
  });

  it("refuses every comment of a run whose rule allows none", async () => {
    const refused = await comment("run-no-comments", 2, "My analysis.");
    expect(refused).toEqual({
      status: 403,
      body: {
        detail:
          "This automated run may not comment: its rule allows no comments (max_comments: 0). Do not retry; give your answer in your final message instead.",
      },
    });
    expect(comments(2)).toEqual([]);
  });

  it("refuses it in observe mode too, so the recordings never show a comment act mode would refuse", async () => {
    const refused = await comment("run-observed-no-comments", 2, "My analysis.");
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain("max_comments: 0");
    expect(await tools.stores.observations.observed("octo", "app", 2)).toBe(false);
    expect(comments(2)).toEqual([]);
  });

  it("counts the labels a run adds across its calls, a label added again once, and refuses past max_labels", async () => {
    const add = (chatId: string, number: number, names: string[]) =>
      tools.call("add_labels", { ...labels(number), labels: names }, chat(chatId));
    expect((await add("run-two-labels", 3, ["bug"])).status).toBe(200);
    expect((await add("run-two-labels", 3, ["BUG", "question"])).body.labels).toEqual(["bug", "question"]);
    const refused = await add("run-two-labels", 3, ["docs"]);
    expect(refused).toEqual({
      status: 403,
      body: {
        detail:
          "This automated run may add at most 2 label(s): it has added bug, question already, so docs would be too many. Do not call add_labels again; nothing was added.",
      },
    });
    const none = await add("run-no-labels", 4, ["bug"]);
    expect(none.body.detail).toMatch(/^This automated run may not add labels: its rule allows none \(max_labels: 0\)/);
    const writes = (number: number) =>
      tools.github.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/issues/${number}/labels`));
    expect(writes(3).map((r) => r.body)).toEqual([{ labels: ["bug"] }, { labels: ["bug", "question"] }]);
    expect(writes(4)).toEqual([]);
  });
});

describe("the relay's fallback under max_comments: 0", () => {
  it("does not post the model's answer when the rule allows no comments", async () => {
    const dir = mkdtempSync(join(tmpdir(), "run-caps-"));
    writeFileSync(
      join(dir, "openwebui-github.yml"),
      "rules:\n  - name: quiet-triage\n    on: issues.opened\n    tools: [get_issue]\n    max_comments: 0\n",
    );
    const system = await startSystem({
      script: async () => ({ content: "An answer nobody should see." }),
      configFile: loadConfigFile(configFileLocation({}, dir)),
    });
    try {
      system.github.addIssueFromPayload(issuesOpened());
      const { deliveryId } = await deliver(system.webhookUrl, {
        event: "issues",
        payload: issuesOpened(),
        secret: webhookSecret,
      });
      expect(await deliveryOutcome(system.stores, deliveryId)).toMatchObject({
        status: "done",
        rule: "quiet-triage",
        reason: "answered; not posted, the rule allows no comments (max_comments: 0)",
        commentUrl: null,
      });
      expect(system.github.comments("Codertocat", "Hello-World", 1)).toEqual([]);
      expect(system.github.unexpected).toEqual([]);
    } finally {
      await system.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
