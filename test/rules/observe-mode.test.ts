import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import type { IssuePayload } from "../../stand-ins/github-stand-in.ts";
import { toolResults } from "../../stand-ins/model-scripts.ts";
import { deliver } from "../../stand-ins/payloads.ts";
import type { ModelRequest, ModelScript } from "../../stand-ins/scripted-model.ts";
import { recordedPayload, type Payload } from "../support/recorded-payloads.ts";
import { storeBackends } from "../support/store-backends.ts";
import { deliveryOutcome, startSystem, webhookSecret, type System } from "../support/system.ts";

const adminToken = "q8Vn3kR7xT2mW9pL5cY1hJ4b-observe";
const hostile = `<img src=x onerror="document.title='owned'">Looks like a **bug** in the parser.`;
const config = `rules:
  - name: triage-trial
    on: issues.opened
    mode: observe
    labels: [bug, question]
    tools: [get_issue, add_labels, post_issue_comment]
    prompt: "Triage {{kind}} #{{number}} in {{repository}} (owner {{owner}}, repo {{repo}}).{{body}}"
`;

/** A triage model: labels the issue it is asked about with `labels` (none: no call), comments unless `comment` is off. */
function triage(labels: string[], comment = true): ModelScript {
  return (request: ModelRequest) => {
    const user = String(request.messages.find((m) => m.role === "user")?.content ?? "");
    const where = /#(\d+) in \S+ \(owner ([^,]+), repo ([^)]+)\)/.exec(user)!;
    const target = { owner: where[2]!, repo: where[3]!, issue_number: Number(where[1]) };
    if (toolResults(request).length > 0 || (!comment && labels.length === 0)) return { content: hostile };
    const calls = [
      ...(labels.length > 0 ? [{ name: "add_labels", arguments: { ...target, labels } }] : []),
      ...(comment ? [{ name: "post_issue_comment", arguments: { ...target, body: hostile } }] : []),
    ];
    return { toolCalls: calls };
  };
}

/** A recorded `issues` payload for issue `number`, written now (replays are bounded). */
function issuesPayload(action: string, number: number, edit?: (p: Payload) => void): Payload {
  const payload = recordedPayload("issues", action);
  payload.issue.number = number;
  payload.issue.created_at = new Date().toISOString();
  edit?.(payload);
  return payload;
}

const backends = storeBackends();

describe.each(backends)("a rule in observe mode, end to end through the relay ($name store)", (backend) => {
  let system: System;
  let dir: string;
  let labels: string[] = [];
  let comment = true;

  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    expect(system.model.errors).toEqual([]);
    await system.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(options: Parameters<typeof startSystem>[0] = {}) {
    dir = mkdtempSync(join(tmpdir(), "observe-"));
    writeFileSync(join(dir, "openwebui-github.yml"), config);
    system = await startSystem({
      script: (request, index) => triage(labels, comment)(request, index),
      configFile: loadConfigFile(configFileLocation({}, dir)),
      relayEnv: { RELAY_ADMIN_TOKEN: adminToken },
      ...backend.options(),
      ...options,
    });
    for (const name of ["bug", "question"]) system.github.addLabel({ owner: "Codertocat", repo: "Hello-World", name });
    for (const number of [1, 2])
      system.github.addIssueFromPayload(issuesPayload("opened", number) as unknown as IssuePayload);
  }

  async function send(event: string, payload: Payload) {
    const response = await deliver(system.webhookUrl, { event, payload, secret: webhookSecret });
    expect(response.status).toBe(202);
    return { deliveryId: response.deliveryId, ...((await response.json()) as { status: string; reason?: string }) };
  }

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

  const githubWrites = () => system.github.requests.filter((r) => r.method !== "GET");

  it("records the comment and labels instead of writing them, and the page shows what would have been posted", async () => {
    labels = ["bug"];
    await start();
    const sent = await send("issues", issuesPayload("opened", 1));
    expect(sent.status).toBe("queued");
    expect(await deliveryOutcome(system.stores, sent.deliveryId)).toMatchObject({
      status: "done",
      rule: "triage-trial",
      reason: "observe mode: the model's comment was recorded, not posted",
    });
    expect(githubWrites()).toEqual([]);
    expect(system.github.comments("Codertocat", "Hello-World", 1)).toEqual([]);

    const page = await deliveriesPage();
    const row = page.slice(page.indexOf(`data-observed-for="${sent.deliveryId}"`));
    expect(row).toContain('Would have added labels on Codertocat/Hello-World#1: <span class="label">bug</span>');
    expect(row).toContain(
      `Would have posted on Codertocat/Hello-World#1:<blockquote>&lt;img src=x onerror=&quot;document.title=&#39;owned&#39;&quot;&gt;Looks like a **bug** in the parser.</blockquote>`,
    );
    expect(page).not.toContain("<img");
    // The admin API gives the same, for scripts.
    const api = await fetch(`${system.relayUrl}/api/deliveries`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const { deliveries } = (await api.json()) as { deliveries: Array<{ deliveryId: string; observed?: unknown[] }> };
    expect(deliveries.find((d) => d.deliveryId === sent.deliveryId)?.observed).toEqual([
      expect.objectContaining({ tool: "add_labels", labels: ["bug"] }),
      expect.objectContaining({ tool: "post_issue_comment", text: hostile }),
    ]);
  });

  it("records the model's answer as the relay's fallback comment instead of posting it", async () => {
    labels = [];
    comment = false;
    await start();
    const sent = await send("issues", issuesPayload("opened", 1));
    expect(await deliveryOutcome(system.stores, sent.deliveryId)).toMatchObject({
      status: "done",
      reason: "observe mode: the answer was recorded as the relay's comment, not posted",
    });
    expect(githubWrites()).toEqual([]);
    const page = await deliveriesPage();
    expect(page).toContain(
      "Would have posted on Codertocat/Hello-World#1 (the relay's comment, from the model's answer):",
    );
  });

  it("measures per rule how often its recorded labels agreed with the labels people gave the issues later", async () => {
    labels = ["bug"];
    comment = true;
    await start();
    const first = await send("issues", issuesPayload("opened", 1));
    await deliveryOutcome(system.stores, first.deliveryId);
    labels = ["question"];
    const second = await send("issues", issuesPayload("opened", 2));
    await deliveryOutcome(system.stores, second.deliveryId);
    const agreementRow = async () => /<tr data-rule="triage-trial">.*<\/tr>/.exec(await deliveriesPage())?.[0];
    expect(await agreementRow()).toBe(
      `<tr data-rule="triage-trial"><td>triage-trial</td><td>2</td><td>0</td><td><span class="muted">—</span></td></tr>`,
    );

    // A bot's label is not people's answer, and an issue no observed run wrote about keeps nothing.
    const bot = { login: "triage-helper[bot]", type: "Bot" };
    const byBot = await send(
      "issues",
      issuesPayload("labeled", 1, (p) => (p.sender = { ...p.sender, ...bot })),
    );
    expect(byBot).toMatchObject({ status: "ignored", reason: "issues.labeled is not handled" });
    const elsewhere = await send("issues", issuesPayload("labeled", 5));
    expect(elsewhere).toMatchObject({ status: "ignored", reason: "issues.labeled is not handled" });

    // People label issue 1 bug (agrees), and close issue 2 as a duplicate labelled bug (question disagrees).
    const labeled = await send("issues", issuesPayload("labeled", 1));
    expect(labeled).toMatchObject({
      status: "ignored",
      reason: "kept for observe mode's label agreement (applied bug, by Codertocat)",
    });
    expect(await system.stores.deliveries.findByDeliveryId(labeled.deliveryId)).toMatchObject({
      repository: "Codertocat/Hello-World",
      issueNumber: 1,
    });
    const closed = await send(
      "issues",
      issuesPayload("reopened", 2, (p) => {
        p.action = "closed";
        p.issue.state = "closed";
        p.issue.state_reason = "duplicate";
      }),
    );
    expect(closed.reason).toBe(
      "kept for observe mode's label agreement (applied bug, applied duplicate, by Codertocat)",
    );
    expect(await agreementRow()).toBe(
      `<tr data-rule="triage-trial"><td>triage-trial</td><td>2</td><td>2</td><td>50% <span class="muted">(1 of 2)</span></td></tr>`,
    );

    // Someone takes bug off issue 1 again: the rule's label no longer agrees.
    await send("issues", issuesPayload("unlabeled", 1));
    expect(await agreementRow()).toContain(`<td>0% <span class="muted">(0 of 2)</span></td>`);
    const api = await fetch(`${system.relayUrl}/api/observe/agreement`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(await api.json()).toEqual({
      windowDays: 14,
      rules: [{ rule: "triage-trial", runs: 2, judged: 2, recorded: 2, agreed: 0 }],
    });
    expect(githubWrites()).toEqual([]);
  });

  it("runs an observed rule at once while GitHub's comment budget is used up, and takes nothing from it", async () => {
    labels = [];
    comment = true;
    const limits = [{ max: 1, windowMs: 3_600_000 }];
    await start({ commentLimits: limits });
    expect(await system.stores.coordination.reserveWrite("token", limits)).toEqual({ ok: true });
    const sent = await send("issues", issuesPayload("opened", 1));
    expect(await deliveryOutcome(system.stores, sent.deliveryId)).toMatchObject({
      status: "done",
      attempts: 1,
      reason: "observe mode: the model's comment was recorded, not posted",
    });
    expect(githubWrites()).toEqual([]);
    expect(system.logs.some((line) => line.includes("comment budget used up"))).toBe(false);
  });
});
