import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import { systemPrompt } from "../../relay/build-prompt.ts";
import { rulesSystemPrompt } from "../../relay/rules/default-prompts.ts";
import { analystScript, toolResults } from "../../stand-ins/model-scripts.ts";
import type { IssuePayload } from "../../stand-ins/github-stand-in.ts";
import { deliver, waitFor } from "../../stand-ins/payloads.ts";
import type { ModelRequest, ModelScript } from "../../stand-ins/scripted-model.ts";
import { recordedPayload, type Payload } from "../support/recorded-payloads.ts";
import { deliveryOutcome, startSystem, webhookSecret, type System } from "../support/system.ts";

const bot = "openwebui-ai-bot";
const adminToken = "r7Kp2xQ9wL4mZ8vB3nT6yH1c-rules";
const hour = 3_600_000;
const shaA = "a".repeat(40);
const shaB = "b".repeat(40);

/** A model that replies once on the thread its prompt names, then says it did. */
const replier: ModelScript = (request) => {
  const where = /#(\d+) in \S+ \(owner ([^,]+), repo ([^)]+)\)/.exec(userMessage(request));
  if (!where) throw new Error(`the prompt names no thread: ${userMessage(request).slice(0, 200)}`);
  if (toolResults(request).length > 0) return { content: "I replied." };
  const target = { owner: where[2]!, repo: where[3]!, issue_number: Number(where[1]) };
  return { toolCalls: [{ name: "post_issue_comment", arguments: { ...target, body: `Reply by ${request.model}` } }] };
};

function userMessage(request: ModelRequest): string {
  return String(request.messages.find((m) => m.role === "user")?.content ?? "");
}

/** A recorded payload written `ageMs` before now: the recordings are from 2019, and replays are bounded. */
function written(event: string, action: string, ageMs = 0, edit?: (p: Payload) => void): Payload {
  const payload = recordedPayload(event, action);
  const at = new Date(Date.now() - ageMs).toISOString();
  for (const thing of [payload.issue, payload.pull_request, payload.comment]) if (thing) thing.created_at = at;
  edit?.(payload);
  return payload;
}

describe("rules from the config file, end to end", () => {
  let system: System;
  let dir: string;

  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    expect(system.model.errors).toEqual([]);
    await system.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `yaml` null: no config file, as a deployment without one. */
  async function start(yaml: string | null, options: Parameters<typeof startSystem>[0] = {}) {
    dir = mkdtempSync(join(tmpdir(), "rules-system-"));
    if (yaml !== null) writeFileSync(join(dir, "openwebui-github.yml"), yaml);
    system = await startSystem({
      script: replier,
      models: ["gpt-5", "gpt-5-mini"],
      ...(yaml !== null ? { configFile: loadConfigFile(configFileLocation({}, dir)) } : {}),
      ...options,
      relayEnv: { RELAY_ADMIN_TOKEN: adminToken, ...options.relayEnv },
    });
    system.github.addIssueFromPayload(recordedPayload("issues", "opened") as IssuePayload);
    const pr = recordedPayload("pull_request", "opened").pull_request;
    system.github.addIssue({ owner: "Codertocat", repo: "Hello-World", number: 2, title: pr.title, body: pr.body });
  }

  async function send(event: string, payload: Payload) {
    if (event === "issue_comment") seedComment(payload);
    const response = await deliver(system.webhookUrl, { event, payload, secret: webhookSecret });
    expect(response.status).toBe(202);
    return { deliveryId: response.deliveryId, ...((await response.json()) as { status: string; reason?: string }) };
  }

  // The relay's run comments (they carry its marker): the comments the tests seed are on the same threads.
  const comments = (number: number) =>
    system.github
      .comments("Codertocat", "Hello-World", number)
      .filter((c) => c.body.includes("<!-- openwebui-github:delivery="));

  /** The comment as GitHub holds it when the delivery goes out: the worker reads it back before the run. */
  function seedComment(payload: Payload) {
    const { comment, issue, repository } = payload;
    const where = { owner: repository.owner.login, repo: repository.name, issue_number: issue.number };
    if (system.github.comments(where.owner, where.repo, where.issue_number).some((c) => c.id === comment.id)) return;
    system.github.addComment({ ...where, id: comment.id, body: comment.body, user: comment.user });
  }

  it("answers a comment that mentions the bot, in the same thread, once; never a bot's, its own, or a stranger's", async () => {
    await start(`rules:
  - name: answer-mentions
    on: issue_comment.created
    if: { mentions_bot: true }
    model: gpt-5-mini
`);
    const mention = written("issue_comment", "created", 0, (p) => (p.comment.body = `@${bot} is this a typo?`));
    const sent = await send("issue_comment", mention);
    expect(sent.status).toBe("queued");
    const record = await deliveryOutcome(system.stores, sent.deliveryId);
    expect(record).toMatchObject({
      status: "done",
      rule: "answer-mentions",
      key: `answer-mentions:codertocat/hello-world#1/comment:${mention.comment.id}`,
    });
    expect(comments(1).map((c) => [c.user.login, c.body.split("\n")[2]])).toEqual([[bot, "Reply by gpt-5-mini"]]);
    const [first] = system.model.requests;
    expect(first!.model).toBe("gpt-5-mini");
    expect(first!.messages[0]!.content).toBe(rulesSystemPrompt);
    expect(userMessage(first!)).toContain(`<<<UNTRUSTED_COMMENT\n@${bot} is this a typo?\nUNTRUSTED_COMMENT>>>`);

    // The same comment again (a new GUID): one run per comment.
    expect((await send("issue_comment", mention)).status).toBe("duplicate");
    const ignored = async (edit: (p: Payload) => void) => {
      const payload = written("issue_comment", "created", 0, (p) => {
        p.comment.id += 1000;
        p.comment.body = `@${bot} please answer`;
        edit(p);
      });
      const answer = await send("issue_comment", payload);
      expect(answer.status).toBe("ignored");
      expect(await system.stores.deliveries.findByDeliveryId(answer.deliveryId)).toMatchObject({
        status: "ignored",
        rule: null,
        reason: answer.reason,
      });
      return answer.reason;
    };
    const own = { login: bot, type: "User" };
    expect(await ignored((p) => (p.comment.user = p.sender = own))).toBe(`sender ${bot} is this relay's own account`);
    const helper = { login: "helper[bot]", type: "Bot" };
    expect(await ignored((p) => (p.comment.user = p.sender = helper))).toBe("sender helper[bot] is a bot");
    expect(await ignored((p) => (p.comment.author_association = "NONE"))).toBe(
      "rule answer-mentions: author NONE may not trigger (authors: OWNER, MEMBER, COLLABORATOR)",
    );
    expect(await ignored((p) => (p.comment.body = "no mention here"))).toBe(
      `rule answer-mentions: the text does not mention @${bot}`,
    );
    await system.relayIdle();
    expect(comments(1)).toHaveLength(1);
    expect(system.model.requests).toHaveLength(2);
  });

  it("summarizes a pull request when opened and on each new head commit, once per commit", async () => {
    await start(`rules:
  - name: summarize-prs
    on: [pull_request.opened, pull_request.synchronize]
    if: { draft: false }
`);
    const opened = written("pull_request", "opened", 0, (p) => (p.pull_request.head.sha = shaA));
    const synced = written("pull_request", "synchronize", 0, (p) => (p.pull_request.head.sha = shaB));
    const first = await send("pull_request", opened);
    expect(await deliveryOutcome(system.stores, first.deliveryId)).toMatchObject({
      status: "done",
      key: `summarize-prs:codertocat/hello-world#2@${shaA}`,
    });
    const second = await send("pull_request", synced);
    expect(await deliveryOutcome(system.stores, second.deliveryId)).toMatchObject({
      status: "done",
      key: `summarize-prs:codertocat/hello-world#2@${shaB}`,
    });
    expect((await send("pull_request", synced)).status).toBe("duplicate");
    expect((await send("pull_request", opened)).status).toBe("duplicate");
    const draft = written("pull_request", "opened", 0, (p) => (p.pull_request.draft = true));
    expect((await send("pull_request", draft)).reason).toBe("rule summarize-prs: draft is true");
    await system.relayIdle();
    expect(comments(2)).toHaveLength(2);
    expect(userMessage(system.model.requests[0]!)).toContain(`at commit ${shaA}`);
    expect(userMessage(system.model.requests[2]!)).toContain(`at commit ${shaB}`);

    // The deliveries page says which rule ran, on which pull request, or why none did.
    const html = await deliveriesPage();
    const rowOf = (deliveryId: string) =>
      new RegExp(`<tr data-delivery-id="${deliveryId}">[\\s\\S]*?</tr>`).exec(html)?.[0];
    expect(rowOf(first.deliveryId)).toContain(
      `Update the README with new information.</span></td>\n<td>summarize-prs</td>`,
    );
    const ignoredRow = rowOf((await system.stores.deliveries.list({ status: "ignored", limit: 1 }))[0]!.deliveryId);
    expect(ignoredRow).toContain(`<td><span class="muted">none</span></td>`);
    expect(ignoredRow).toContain(`<span class="muted">rule summarize-prs: draft is true</span>`);
  });

  async function deliveriesPage() {
    const signIn = await fetch(`${system.relayUrl}/deliveries/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: adminToken }),
      redirect: "manual",
    });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    return (await fetch(`${system.relayUrl}/deliveries`, { headers: { cookie } })).text();
  }

  it("runs a rule on issues.labeled with its own prompt, for the labels it names", async () => {
    await start(`rules:
  - name: label-triage
    on: issues.labeled
    if: { labels_any: [bug] }
    labels: [bug, question]
    prompt: "Triage {{kind}} #{{number}} in {{repository}} (owner {{owner}}, repo {{repo}}), just labeled {{label}}.{{body}}"
`);
    const labeled = await send("issues", written("issues", "labeled"));
    expect(await deliveryOutcome(system.stores, labeled.deliveryId)).toMatchObject({
      status: "done",
      rule: "label-triage",
      key: "label-triage:codertocat/hello-world#1/label:bug",
    });
    expect(userMessage(system.model.requests[0]!)).toMatch(
      /^Triage issue #1 in Codertocat\/Hello-World .*, just labeled bug\.\n/,
    );
    const other = written("issues", "labeled", 0, (p) => (p.label = { ...p.label, name: "wontfix" }));
    expect((await send("issues", other)).reason).toBe(
      "rule label-triage: the label added (wontfix) is not in labels_any",
    );
    await system.relayIdle();
    expect(comments(1)).toHaveLength(1);
  });

  it("ignores a comment or an opened pull request written more than 72 hours before its delivery", async () => {
    await start(`rules:
  - name: answer-mentions
    on: issue_comment.created
    if: { mentions_bot: true }
  - name: summarize-prs
    on: pull_request.opened
`);
    const old = written("issue_comment", "created", 73 * hour, (p) => (p.comment.body = `@${bot} hello?`));
    expect((await send("issue_comment", old)).reason).toMatch(
      /^the comment was created .*, more than 72 hours before this delivery$/,
    );
    const oldPr = written("pull_request", "opened", 73 * hour);
    expect((await send("pull_request", oldPr)).reason).toMatch(/^the pull request was created .*, more than 72 hours/);
    const recent = written("pull_request", "opened", 71 * hour);
    expect((await send("pull_request", recent)).status).toBe("queued");
    await system.relayIdle();
    expect(comments(2)).toHaveLength(1);
  });

  it("applies a reloaded config to the next delivery, and drops a queued run whose rule the reload removed", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held: ModelScript = async (request, index) => {
      if (index === 0) await gate;
      return replier(request, index);
    };
    await start(
      `rules:
  - name: answer-mentions
    on: issue_comment.created
    if: { mentions_bot: true }
`,
      { script: held, relayEnv: { RELAY_CONCURRENCY: "1" } },
    );
    const labeled = () => written("issues", "labeled");
    expect((await send("issues", labeled())).reason).toBe("issues.labeled is not handled");
    const mention = (id: number) =>
      written("issue_comment", "created", 0, (p) => {
        p.comment.id = id;
        p.comment.body = `@${bot} ping ${id}`;
      });
    const running = await send("issue_comment", mention(1));
    await waitForRequests(1);
    const queued = await send("issue_comment", mention(2));
    expect(queued.status).toBe("queued");

    writeFileSync(
      join(dir, "openwebui-github.yml"),
      `rules:
  - name: label-triage
    on: issues.labeled
`,
    );
    const reload = await fetch(`${system.relayUrl}/api/config/reload`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(reload.status).toBe(200);
    release();
    expect(await deliveryOutcome(system.stores, running.deliveryId)).toMatchObject({ status: "done" });
    expect(await deliveryOutcome(system.stores, queued.deliveryId)).toMatchObject({
      status: "ignored",
      reason: "rule answer-mentions is no longer in the config",
    });
    const next = await send("issues", labeled());
    expect(await deliveryOutcome(system.stores, next.deliveryId)).toMatchObject({
      status: "done",
      rule: "label-triage",
    });
    await system.relayIdle();
    expect(comments(1)).toHaveLength(2);
  });

  it("holds a rule back on a thread for its cooldown, from the delivery log", async () => {
    await start(`rules:
  - name: answer-mentions
    on: issue_comment.created
    if: { mentions_bot: true }
    cooldown: 1h
`);
    const mention = (id: number) =>
      written("issue_comment", "created", 0, (p) => {
        p.comment.id = id;
        p.comment.body = `@${bot} question ${id}`;
      });
    const first = await send("issue_comment", mention(1));
    expect(await deliveryOutcome(system.stores, first.deliveryId)).toMatchObject({ status: "done" });
    const second = await send("issue_comment", mention(2));
    expect(second.status).toBe("queued");
    const held = await deliveryOutcome(system.stores, second.deliveryId);
    expect(held.status).toBe("ignored");
    expect(held.reason).toMatch(/^rule answer-mentions: cooldown 1h, ran here .* s left\)$/);
    expect(comments(1)).toHaveLength(1);
  });

  it("matches a rule on changed paths in the worker, which fetches the pull request's files", async () => {
    const files: Record<string, string[]> = { [shaA]: ["src/app.ts", "README.md"], [shaB]: ["docs/guide.md"] };
    let head = shaA;
    const listed: string[] = [];
    // GitHub's list of a pull request's files, for the one pull request of this test; the rest goes to the stand-in.
    const relayFetch: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname !== "/repos/Codertocat/Hello-World/pulls/2/files") return fetch(input, init);
      listed.push(head);
      const body = files[head]!.map((filename) => ({ filename, status: "modified", additions: 1, deletions: 0 }));
      return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
    };
    await start(
      `rules:
  - name: source-prs
    on: pull_request.synchronize
    if: { paths: ["src/**"] }
`,
      { relayFetch },
    );
    const sync = (sha: string) => written("pull_request", "synchronize", 0, (p) => (p.pull_request.head.sha = sha));
    const matching = await send("pull_request", sync(shaA));
    expect(matching.status).toBe("queued");
    // Found by its key: the run it queued carries the same GUID and is newer.
    expect(await waitForDelivery(`+match:codertocat/hello-world#2@${shaA}`)).toMatchObject({
      deliveryId: matching.deliveryId,
      status: "done",
      reason: "matched: rule source-prs ran",
    });
    const run = await waitForDelivery(`source-prs:codertocat/hello-world#2@${shaA}`);
    expect(run).toMatchObject({ status: "done", rule: "source-prs", deliveryId: matching.deliveryId });
    head = shaB;
    const other = await send("pull_request", sync(shaB));
    expect(await deliveryOutcome(system.stores, other.deliveryId)).toMatchObject({
      status: "ignored",
      reason: "rule source-prs: no changed file matches paths",
    });
    await system.relayIdle();
    expect(listed).toEqual([shaA, shaB]);
    expect(comments(2)).toHaveLength(1);
  });

  it("without a config file, runs issues.opened alone, under the key it always had", async () => {
    await start(null, { script: analystScript(() => "As today.") });
    const mention = written("issue_comment", "created", 0, (p) => (p.comment.body = `@${bot} hello`));
    expect(await send("issue_comment", mention)).toMatchObject({
      status: "ignored",
      reason: "issue_comment.created is not handled",
    });
    const opened = await send("issues", written("issues", "opened"));
    expect(await deliveryOutcome(system.stores, opened.deliveryId)).toMatchObject({
      status: "done",
      rule: "issues.opened",
      key: "issues.opened:codertocat/hello-world#1",
    });
    expect(system.model.requests[0]!.messages[0]!.content).toBe(systemPrompt);
    expect(comments(1).map((c) => c.body.split("\n")[2])).toEqual(["As today."]);
  });

  it("leaves a mention to the worker while the relay does not know its login yet", async () => {
    await start(
      `rules:
  - name: answer-mentions
    on: issue_comment.created
    if: { mentions_bot: true }
`,
      { startRelay: false },
    );
    // The lookup at start fails (both attempts); the worker asks again when it needs the login.
    system.github.failNext(2, "server-error", { method: "GET", pathIncludes: "/user" });
    await system.startRelay();
    await waitFor(() => system.logs.some((l) => l.includes("could not look up")), "the failed lookup");
    const mention = written("issue_comment", "created", 0, (p) => (p.comment.body = `@${bot} are you there?`));
    const sent = await send("issue_comment", mention);
    expect(sent.status).toBe("queued");
    const key = `answer-mentions:codertocat/hello-world#1/comment:${mention.comment.id}`;
    expect(await waitForDelivery(key)).toMatchObject({ status: "done", deliveryId: sent.deliveryId });
    expect(
      await system.stores.deliveries.get(`+match:codertocat/hello-world#1/comment:${mention.comment.id}`),
    ).toMatchObject({
      status: "done",
      reason: "matched: rule answer-mentions ran",
    });
    expect(comments(1)).toHaveLength(1);
  });

  function waitForDelivery(key: string) {
    return waitFor(async () => {
      const record = await system.stores.deliveries.get(key);
      return record && ["done", "failed", "ignored", "dead"].includes(record.status) ? record : undefined;
    }, `delivery ${key} to finish`);
  }

  async function waitForRequests(count: number) {
    const deadline = Date.now() + 10_000;
    while (system.model.requests.length < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} model requests`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
});
