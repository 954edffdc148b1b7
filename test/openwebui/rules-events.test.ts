import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import { loadRelayConfig } from "../../config/load-relay-config.ts";
import { createDeployment } from "../../deployment/create-deployment.ts";
import { createLogger } from "../../lib/logger.ts";
import { toolResults } from "../../stand-ins/model-scripts.ts";
import { openWebUIVersionUnderTest } from "../../stand-ins/open-webui-instance.ts";
import { deliver, waitFor } from "../../stand-ins/payloads.ts";
import { startRealSystem, webhookSecret, type RealSystem } from "../../stand-ins/real-system.ts";
import type { ModelScript } from "../../stand-ins/scripted-model.ts";
import { readmeExampleConfig } from "../support/readme-example-config.ts";
import { recordedPayload, type Payload } from "../support/recorded-payloads.ts";

const openWebUIVersion = openWebUIVersionUnderTest();
const progress = (line: string) => process.stdout.write(`[open-webui ${openWebUIVersion} rules-events] ${line}\n`);
const repo = { owner: "Codertocat", repo: "Hello-World" };

let system: RealSystem;
let relay: Awaited<ReturnType<ReturnType<typeof createDeployment>["startRelay"]>>;
let dir: string;
// The stand-in's bot: the relay learns it from GitHub, and the mentions name it.
let bot: string;

beforeAll(async () => {
  system = await startRealSystem(progress, { openWebUIVersion });
  bot = system.github.login;
  // The suite's relay has no config file: this one runs the README's example, as a deployment would.
  await system.stopRelay();
  dir = mkdtempSync(join(tmpdir(), "owui-rules-events-"));
  writeFileSync(join(dir, "openwebui-github.yml"), readmeExampleConfig());
  const env = system.serviceEnv;
  relay = await createDeployment(
    { env, relay: loadRelayConfig(env), toolServer: null, configFile: loadConfigFile(configFileLocation({}, dir)) },
    {
      logger: createLogger({ level: "debug", write: (line) => system.logs.push(line) }),
      host: "127.0.0.1",
      github: { pacing: { writeMs: 5, notificationMs: 5 } },
      pollIntervalMs: 200,
    },
  ).startRelay(system.stores);
  const pr = recordedPayload("pull_request", "opened").pull_request;
  system.github.addIssueFromPayload(recordedPayload("issues", "opened") as never);
  system.github.addPullRequest({ ...repo, number: 2, title: pr.title, body: pr.body, head: { ref: pr.head.ref } });
});
afterAll(async () => {
  await relay?.close();
  await system?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A recorded payload, written just now (the relay refuses old replays). */
function written(event: string, action: string): Payload {
  const payload = recordedPayload(event, action);
  const now = new Date().toISOString();
  for (const part of [payload.issue, payload.pull_request, payload.comment]) if (part) part.created_at = now;
  return payload;
}

/** The model posts `body` on `number` with post_issue_comment, then says it is done. */
const poster =
  (number: number, body: string): ModelScript =>
  (request) =>
    toolResults(request).length === 0
      ? { toolCalls: [{ name: "post_issue_comment", arguments: { ...repo, issue_number: number, body } }] }
      : { content: "Posted." };

async function run(event: string, payload: Payload) {
  const sent = await deliver(`${relay.url}/webhook/github`, { event, payload, secret: webhookSecret });
  expect(sent.status).toBe(202);
  const record = await waitFor(
    async () => {
      const found = await system.stores.deliveries.findByDeliveryId(sent.deliveryId);
      return found && ["done", "failed", "ignored", "dead"].includes(found.status) ? found : undefined;
    },
    `${event} delivery`,
    120_000,
  );
  await relay.worker.idle();
  return record;
}

/** The tools Open WebUI called on our tool server in the run's chat, in order. */
function toolCallsOf(chatId: string | null | undefined): string[] {
  return system.logs
    .map((line) => JSON.parse(line) as { msg: string; tool?: string; chatId?: string })
    .filter((line) => line.msg === "tool call" && line.chatId === chatId)
    .map((line) => line.tool!);
}

const ours = (number: number) =>
  system.github.comments(repo.owner, repo.repo, number).filter((c) => c.user.login === bot);
const writes = () => system.github.requests.filter((r) => r.method !== "GET");

describe(`the README's example rules through the real Open WebUI ${openWebUIVersion}`, () => {
  it("triage (observe mode) records its comment and labels and posts nothing to GitHub", async () => {
    system.model.setScript((request) => {
      const done = toolResults(request).length;
      if (done === 0)
        return { toolCalls: [{ name: "add_labels", arguments: { ...repo, issue_number: 1, labels: ["bug"] } }] };
      if (done === 1) {
        const comment = { ...repo, issue_number: 1, body: "Looks like a bug." };
        return { toolCalls: [{ name: "post_issue_comment", arguments: comment }] };
      }
      return { content: "Triaged." };
    });
    const record = await run("issues", written("issues", "opened"));
    expect(record).toMatchObject({ status: "done", rule: "triage" });
    expect(toolCallsOf(record.chatId)).toEqual(["add_labels", "post_issue_comment"]);
    const observed = await system.stores.observations.ofDeliveries([record.key]);
    expect(observed.map((o) => [o.tool, o.target, o.text, o.labels])).toEqual([
      ["add_labels", "Codertocat/Hello-World#1", null, ["bug"]],
      ["post_issue_comment", "Codertocat/Hello-World#1", "Looks like a bug.", []],
    ]);
    expect(writes()).toEqual([]);
  });

  it("answer-mentions replies once on the issue to a comment that mentions the bot", async () => {
    const payload = written("issue_comment", "created");
    payload.comment.body = `@${bot} what does this need?`;
    const { id, body } = payload.comment;
    system.github.addComment({ ...repo, issue_number: 1, id, body, user: { login: "Codertocat" } });
    system.model.setScript(poster(1, "It needs a failing test."));
    const record = await run("issue_comment", payload);
    expect(record).toMatchObject({ status: "done", rule: "answer-mentions", reason: "commented by the model" });
    expect(toolCallsOf(record.chatId)).toEqual(["post_issue_comment"]);
    expect(ours(1).map((c) => [c.body.split("\n")[2], c.html_url])).toEqual([
      ["It needs a failing test.", record.commentUrl],
    ]);
  });

  it("label-triage answers once when a person adds the label it watches", async () => {
    const payload = written("issues", "labeled");
    payload.label = { ...payload.label, name: "needs-info" };
    payload.issue.labels = [...(payload.issue.labels ?? []), payload.label];
    system.model.setScript(poster(1, "Please add the steps to reproduce."));
    const record = await run("issues", payload);
    expect(record).toMatchObject({ status: "done", rule: "label-triage", reason: "commented by the model" });
    expect(toolCallsOf(record.chatId)).toEqual(["post_issue_comment"]);
    expect(
      ours(1)
        .filter((c) => c.html_url === record.commentUrl)
        .map((c) => c.body.split("\n")[2]),
    ).toEqual(["Please add the steps to reproduce."]);
  });

  it("summarize-prs posts one summary on an opened pull request", async () => {
    system.model.setScript(poster(2, "This pull request updates the README."));
    const record = await run("pull_request", written("pull_request", "opened"));
    expect(record).toMatchObject({ status: "done", rule: "summarize-prs", reason: "commented by the model" });
    expect(toolCallsOf(record.chatId)).toEqual(["post_issue_comment"]);
    expect(ours(2).map((c) => c.body.split("\n")[2])).toEqual(["This pull request updates the README."]);
  });

  it("review-mentions answers a review comment that mentions the bot in its thread, not on the conversation", async () => {
    const payload = written("pull_request_review_comment", "created");
    payload.comment.body = `@${bot} is this right?`;
    const review = system.github.addReview({
      ...repo,
      pull_number: 2,
      id: payload.comment.pull_request_review_id,
      body: "",
    });
    const top = system.github.addReviewComment({
      ...repo,
      pull_number: 2,
      review_id: review,
      body: "Maybe you should use more emoji on this line.",
      user: { login: "Codertocat" },
    });
    payload.comment.in_reply_to_id = top.id;
    const { id, body, user } = payload.comment;
    system.github.addReviewComment({ ...repo, pull_number: 2, id, body, user, in_reply_to_id: top.id });
    system.model.setScript(poster(2, "Yes, the emoji are fine."));
    const record = await run("pull_request_review_comment", payload);
    expect(record).toMatchObject({ status: "done", rule: "review-mentions", reason: "commented by the model" });
    expect(toolCallsOf(record.chatId)).toEqual(["post_issue_comment"]);
    const replies = system.github.reviewComments(repo.owner, repo.repo, 2).filter((c) => c.user.login === bot);
    expect(replies.map((c) => [c.in_reply_to_id, c.body.split("\n")[2], c.html_url])).toEqual([
      [top.id, "Yes, the emoji are fine.", record.commentUrl],
    ]);
    // The summary stays the conversation's only comment of ours.
    expect(ours(2)).toHaveLength(1);
  });

  it("review-mentions answers a submitted review that mentions the bot on the pull request's conversation", async () => {
    const payload = recordedPayload("pull_request_review", "submitted");
    const now = new Date().toISOString();
    payload.pull_request.created_at = now;
    Object.assign(payload.review, { submitted_at: now, body: `@${bot} please have a look` });
    const { id, body, user } = payload.review;
    system.github.addReview({ ...repo, pull_number: 2, id, body, user });
    system.model.setScript(poster(2, "Had a look: fine to merge."));
    const record = await run("pull_request_review", payload);
    expect(record).toMatchObject({ status: "done", rule: "review-mentions", reason: "commented by the model" });
    expect(toolCallsOf(record.chatId)).toEqual(["post_issue_comment"]);
    expect(ours(2).map((c) => c.body.split("\n")[2])).toEqual([
      "This pull request updates the README.",
      "Had a look: fine to merge.",
    ]);
    expect(system.github.unexpected).toEqual([]);
    expect(system.model.errors).toEqual([]);
  });
});
