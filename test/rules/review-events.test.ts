import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import { lastToolResult, toolResults } from "../../stand-ins/model-scripts.ts";
import { deliver } from "../../stand-ins/payloads.ts";
import type { ModelRequest, ModelScript } from "../../stand-ins/scripted-model.ts";
import { recordedPayload, type Payload } from "../support/recorded-payloads.ts";
import { deliveryOutcome, startSystem, webhookSecret, type System } from "../support/system.ts";

const bot = "openwebui-ai-bot";
const repo = { owner: "Codertocat", repo: "Hello-World" };
const rules = `rules:
  - name: review-threads
    on: pull_request_review_comment.created
    if: { mentions_bot: true }
    tools: [list_review_comments, post_issue_comment]
  - name: reviews
    on: pull_request_review.submitted
    if: { mentions_bot: true }
    tools: [list_review_comments, post_issue_comment]
  - name: answer-mentions
    on: issue_comment.created
    if: { mentions_bot: true }
`;

function userMessage(request: ModelRequest): string {
  return String(request.messages.find((m) => m.role === "user")?.content ?? "");
}

/** Reads what the review's prompt points at with list_review_comments, then replies once on the pull request. */
const reviewReader: ModelScript = (request) => {
  const text = userMessage(request);
  const where = /#(\d+) in \S+ \(owner ([^,]+), repo ([^)]+)\)/.exec(text)!;
  const target = { owner: where[2]!, repo: where[3]! };
  const pull = Number(where[1]);
  const done = toolResults(request).length;
  const ids = /list_review_comments \((review_id|comment_id) (\d+)\)/.exec(text);
  if (done === 0 && ids)
    return {
      toolCalls: [
        { name: "list_review_comments", arguments: { ...target, pull_number: pull, [ids[1]!]: Number(ids[2]) } },
      ],
    };
  if (done === 1) {
    const body = `Read ${(lastToolResult(request).comments as unknown[]).length} review comments.`;
    return { toolCalls: [{ name: "post_issue_comment", arguments: { ...target, issue_number: pull, body } }] };
  }
  return { content: "I replied." };
};

/** A recorded payload, written just now (replays are bounded), mentioning the bot. */
function mention(event: string, action: string, edit?: (p: Payload) => void): Payload {
  const payload = recordedPayload(event, action);
  const now = new Date().toISOString();
  payload.pull_request.created_at = now;
  if (payload.comment) Object.assign(payload.comment, { created_at: now, body: `@${bot} is this right?` });
  if (payload.review) Object.assign(payload.review, { submitted_at: now, body: `@${bot} please have a look` });
  edit?.(payload);
  return payload;
}

describe("review events: a reply where the mention was made, and nowhere else", () => {
  let system: System;
  let dir: string;

  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    expect(system.model.errors).toEqual([]);
    await system.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(script: ModelScript = reviewReader) {
    dir = mkdtempSync(join(tmpdir(), "review-events-"));
    writeFileSync(join(dir, "openwebui-github.yml"), rules);
    system = await startSystem({ script, configFile: loadConfigFile(configFileLocation({}, dir)) });
    const pr = recordedPayload("pull_request_review", "submitted").pull_request;
    system.github.addIssue({ ...repo, number: 1, title: "Spelling error in the README file", body: "It's wrong." });
    system.github.addPullRequest({ ...repo, number: 2, title: pr.title, body: pr.body });
  }

  /** What GitHub holds when the delivery goes out: the review, its thread, and the payload's own text. */
  function seedReview(payload: Payload) {
    const review = payload.review ?? { id: payload.comment.pull_request_review_id, body: "" };
    system.github.addReview({ ...repo, pull_number: 2, id: review.id, body: review.body, user: review.user });
    const top = system.github.addReviewComment({
      ...repo,
      pull_number: 2,
      review_id: review.id,
      body: "Maybe you should use more emoji on this line.",
      user: { login: "Codertocat" },
    });
    if (payload.comment) {
      payload.comment.in_reply_to_id = top.id;
      const { id, body, user } = payload.comment;
      system.github.addReviewComment({ ...repo, pull_number: 2, id, body, user, in_reply_to_id: top.id });
    }
    return top;
  }

  async function send(event: string, payload: Payload) {
    const response = await deliver(system.webhookUrl, { event, payload, secret: webhookSecret });
    expect(response.status).toBe(202);
    return { deliveryId: response.deliveryId, ...((await response.json()) as { status: string; reason?: string }) };
  }

  const conversation = (number: number) => system.github.comments(repo.owner, repo.repo, number);
  const ours = () => system.github.reviewComments(repo.owner, repo.repo, 2).filter((c) => c.user.login === bot);

  it("answers a review comment that mentions the bot with a reply in its review thread, never on the conversation", async () => {
    await start();
    const payload = mention("pull_request_review_comment", "created");
    const top = seedReview(payload);
    const sent = await send("pull_request_review_comment", payload);
    expect(sent.status).toBe("queued");
    const outcome = await deliveryOutcome(system.stores, sent.deliveryId);
    expect(outcome).toMatchObject({ status: "done", rule: "review-threads", reason: "commented by the model" });
    const [reply] = ours();
    // The mention was a reply itself: ours joins the same thread, under its first comment.
    expect(reply).toMatchObject({ in_reply_to_id: top.id, html_url: outcome.commentUrl });
    expect(reply!.body.split("\n")[2]).toBe("Read 2 review comments.");
    expect(userMessage(system.model.requests[0]!)).toContain(`review comment ${payload.comment.id} on pull request #2`);
    await system.relayIdle();
    expect(ours()).toHaveLength(1);
    expect([...conversation(1), ...conversation(2)]).toEqual([]);

    // GitHub's delivery of that reply (our own account), and a bot's mention, start nothing.
    const echo = mention("pull_request_review_comment", "created", (p) => {
      p.comment = { ...p.comment, id: reply!.id, body: reply!.body, user: { login: bot, type: "User" } };
      p.sender = { ...p.sender, login: bot };
    });
    expect((await send("pull_request_review_comment", echo)).reason).toBe(`sender ${bot} is this relay's own account`);
    const otherBot = mention("pull_request_review_comment", "created", (p) => {
      p.comment.user = p.sender = { login: "helper[bot]", type: "Bot" };
    });
    expect((await send("pull_request_review_comment", otherBot)).reason).toBe("sender helper[bot] is a bot");
    const marked = mention("pull_request_review_comment", "created", (p) => {
      p.comment.body = `@${bot} <!-- openwebui-github:delivery=${sent.deliveryId} -->`;
    });
    expect((await send("pull_request_review_comment", marked)).reason).toBe(
      "the text carries this relay's marker (our own output)",
    );
    await system.relayIdle();
    expect(system.model.requests).toHaveLength(3);
  });

  it("keeps the reply in the thread when the model asks to post elsewhere, through the relay's fallback", async () => {
    const elsewhere: ModelScript = (request) =>
      toolResults(request).length === 0
        ? { toolCalls: [{ name: "post_issue_comment", arguments: { ...repo, issue_number: 1, body: "Posted on #1" } }] }
        : { content: "The emoji are fine here." };
    await start(elsewhere);
    const payload = mention("pull_request_review_comment", "created");
    const top = seedReview(payload);
    const sent = await send("pull_request_review_comment", payload);
    const outcome = await deliveryOutcome(system.stores, sent.deliveryId);
    expect(outcome).toMatchObject({ status: "done", reason: "answer posted by the relay (fallback)" });
    expect(ours().map((c) => [c.in_reply_to_id, c.body.split("\n")[2], c.html_url])).toEqual([
      [top.id, "The emoji are fine here.", outcome.commentUrl],
    ]);
    const refusal = String(toolResults(system.model.requests[1]!)[0]!.content);
    expect(refusal).toMatch(/HTTP error 403: .*may only comment on Codertocat\/Hello-World#2/);
    expect([...conversation(1), ...conversation(2)]).toEqual([]);
  });

  it("answers a review that mentions the bot on the pull request's conversation, with the review's comments read", async () => {
    await start();
    const payload = mention("pull_request_review", "submitted");
    seedReview(payload);
    const sent = await send("pull_request_review", payload);
    expect(await deliveryOutcome(system.stores, sent.deliveryId)).toMatchObject({ status: "done", rule: "reviews" });
    expect(conversation(2).map((c) => [c.user.login, c.body.split("\n")[2]])).toEqual([
      [bot, "Read 1 review comments."],
    ]);
    const listed = system.github.requests.filter((r) => r.path.endsWith(`/reviews/${payload.review.id}/comments`));
    expect(listed).toHaveLength(1);
    await system.relayIdle();
    expect(ours()).toEqual([]);
    expect(conversation(1)).toEqual([]);

    const botReview = mention("pull_request_review", "submitted", (p) => {
      p.review.user = p.sender = { login: "reviewer[bot]", type: "Bot" };
    });
    expect((await send("pull_request_review", botReview)).reason).toBe("sender reviewer[bot] is a bot");
  });

  it("does not answer a comment, review comment or review edited or deleted before its run starts", async () => {
    await start();
    const reasonOf = async (event: string, payload: Payload) => {
      const sent = await send(event, payload);
      expect(sent.status).toBe("queued");
      return (await deliveryOutcome(system.stores, sent.deliveryId)).reason;
    };
    const reviewComment = mention("pull_request_review_comment", "created");
    seedReview(reviewComment);
    system.github.editReviewComment(reviewComment.comment.id, "never mind");
    expect(await reasonOf("pull_request_review_comment", reviewComment)).toBe(
      "the review comment was edited before the run started",
    );
    const again = mention("pull_request_review_comment", "created", (p) => {
      Object.assign(p.comment, { id: p.comment.id + 1, in_reply_to_id: reviewComment.comment.in_reply_to_id });
    });
    system.github.addReviewComment({ ...repo, pull_number: 2, id: again.comment.id, body: again.comment.body });
    system.github.deleteReviewComment(again.comment.id);
    expect(await reasonOf("pull_request_review_comment", again)).toBe(
      "the review comment was deleted before the run started",
    );
    const review = mention("pull_request_review", "submitted");
    system.github.editReview(review.review.id, "LGTM");
    expect(await reasonOf("pull_request_review", review)).toBe("the review was edited before the run started");

    const comment = recordedPayload("issue_comment", "created");
    Object.assign(comment.comment, { created_at: new Date().toISOString(), body: `@${bot} why?` });
    system.github.addComment({ ...repo, issue_number: 1, id: comment.comment.id, body: comment.comment.body });
    system.github.editComment(comment.comment.id, "@bot never mind");
    expect(await reasonOf("issue_comment", comment)).toBe("the comment was edited before the run started");
    comment.comment.id += 1;
    system.github.addComment({ ...repo, issue_number: 1, id: comment.comment.id, body: comment.comment.body });
    system.github.deleteComment(comment.comment.id);
    system.github.deleteComment(comment.comment.id - 1);
    expect(await reasonOf("issue_comment", comment)).toBe("the comment was deleted before the run started");
    await system.relayIdle();
    expect(system.model.requests).toEqual([]);
    expect(ours()).toEqual([]);
    expect(conversation(1)).toEqual([]);
  });
});
