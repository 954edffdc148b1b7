import { Octokit } from "@octokit/rest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import { toolResults } from "../../stand-ins/model-scripts.ts";
import { deliver, waitFor } from "../../stand-ins/payloads.ts";
import type { ModelRequest, ModelScript, ModelTurn } from "../../stand-ins/scripted-model.ts";
import { recordedPayload, type Payload } from "../support/recorded-payloads.ts";
import { spawnRelay, type RelayProcess } from "../support/relay-process.ts";
import { storeBackends } from "../support/store-backends.ts";
import { deliveryOutcome, relayProcessEnv, startSystem, webhookSecret, type System } from "../support/system.ts";

const shaA = "a".repeat(40);
const shaB = "b".repeat(40);
const rules = `rules:
  - name: summarize-prs
    on: [pull_request.opened, pull_request.synchronize, pull_request.ready_for_review]
    if: { draft: false }
    comment: update
`;

/** How the scripted model answers a run on `sha`: post its summary with the tool, or only answer (the relay's fallback posts it). */
type Answer = (sha: string, request: ModelRequest) => Promise<"tool" | "answer"> | "tool" | "answer";

/** A model that summarizes the pull request its prompt names, at the commit the prompt names. */
function summarizer(how: Answer): ModelScript {
  return async (request): Promise<ModelTurn> => {
    const text = String(request.messages.find((m) => m.role === "user")?.content ?? "");
    const where = /#(\d+) in \S+ \(owner ([^,]+), repo ([^)]+)\)/.exec(text);
    const sha = /at commit ([0-9a-f]{40})/.exec(text)?.[1];
    if (!where || !sha) throw new Error(`the prompt names no pull request and commit: ${text.slice(0, 200)}`);
    const summary = `Summary at ${sha.slice(0, 7)}.`;
    if (toolResults(request).length > 0) return { content: "Done." };
    if ((await how(sha, request)) === "answer") return { content: summary };
    const target = { owner: where[2]!, repo: where[3]!, issue_number: Number(where[1]) };
    return { toolCalls: [{ name: "post_issue_comment", arguments: { ...target, body: summary } }] };
  };
}

/** A recorded pull_request payload at head commit `sha`, written just now (replays of old ones are bounded). */
function pushed(action: string, sha: string): Payload {
  const payload = recordedPayload("pull_request", action);
  payload.pull_request.created_at = new Date().toISOString();
  payload.pull_request.head.sha = sha;
  return payload;
}

const backends = storeBackends();

describe.each(backends)("a pull request's one summary, kept current ($name store)", (backend) => {
  let system: System;
  let dir: string;
  let relay: RelayProcess | undefined;

  afterEach(async () => {
    if (relay) await relay.kill("SIGKILL");
    relay = undefined;
    expect(system.github.unexpected).toEqual([]);
    expect(system.model.errors).toEqual([]);
    await system.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(how: Answer, options: { startRelay?: boolean } = {}) {
    dir = mkdtempSync(join(tmpdir(), "pr-summary-"));
    writeFileSync(join(dir, "openwebui-github.yml"), rules);
    system = await startSystem({
      ...backend.options(),
      script: summarizer(how),
      configFile: loadConfigFile(configFileLocation({}, dir)),
      ...options,
    });
    const pr = recordedPayload("pull_request", "opened").pull_request;
    system.github.addIssue({ owner: "Codertocat", repo: "Hello-World", number: 2, title: pr.title, body: pr.body });
  }

  async function send(action: string, sha: string, url = system.webhookUrl) {
    const response = await deliver(url, { event: "pull_request", payload: pushed(action, sha), secret: webhookSecret });
    expect(response.status).toBe(202);
    return response.deliveryId;
  }

  const comments = () => system.github.comments("Codertocat", "Hello-World", 2);
  const edits = () => system.github.requests.filter((r) => r.method === "PATCH");

  it("posts the summary when the pull request opens and edits that same comment on each push, whoever writes it", async () => {
    // The first summary comes through the model's tool, the second as its answer through the relay's fallback.
    await start((sha) => (sha === shaA ? "tool" : "answer"));
    expect(await deliveryOutcome(system.stores, await send("opened", shaA))).toMatchObject({ status: "done" });
    const [first] = comments();
    expect(first?.body).toContain("Summary at aaaaaaa.");

    const synced = await deliveryOutcome(system.stores, await send("synchronize", shaB));
    expect(synced).toMatchObject({ status: "done", reason: "answer posted by the relay (fallback)" });
    expect(comments()).toEqual([expect.objectContaining({ id: first!.id, user: first!.user })]);
    expect(comments()[0]!.body).toContain("Summary at bbbbbbb.");
    expect(comments()[0]!.body).not.toContain("Summary at aaaaaaa.");
    expect(edits().map((r) => r.path)).toEqual([`/repos/Codertocat/Hello-World/issues/comments/${first!.id}`]);
    expect(synced.commentUrl).toBe(first!.html_url);
  });

  it("posts the summary anew on the next push when someone deleted it, and leaves a person's quote of it alone", async () => {
    await start(() => "tool");
    await deliveryOutcome(system.stores, await send("opened", shaA));
    const [first] = comments();
    const person = new Octokit({ baseUrl: system.github.url, auth: "ghp_standin_token_0123456789" });
    await person.rest.issues.deleteComment({ owner: "Codertocat", repo: "Hello-World", comment_id: first!.id });
    system.github.addComment({
      owner: "Codertocat",
      repo: "Hello-World",
      issue_number: 2,
      body: `quoting: ${first!.body}`,
      user: { login: "someone-else" },
    });
    expect(await deliveryOutcome(system.stores, await send("synchronize", shaB))).toMatchObject({ status: "done" });
    const ours = comments().filter((c) => c.user.login === first!.user.login);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.id).not.toBe(first!.id);
    expect(ours[0]!.body).toContain("Summary at bbbbbbb.");
    expect(comments().find((c) => c.user.login === "someone-else")?.body).toContain("Summary at aaaaaaa.");
  });

  it("finds its summary on GitHub by the rule's marker when the store has none, never a person's copy of the marker", async () => {
    await start(() => "tool");
    const marker = "<!-- openwebui-github:rule=summarize-prs -->";
    const where = { owner: "Codertocat", repo: "Hello-World", issue_number: 2 };
    const copy = system.github.addComment({ ...where, body: `Copied: ${marker}`, user: { login: "someone-else" } });
    // Posted before the store was lost (or recorded where GitHub's list lags behind).
    const ours = system.github.addComment({
      ...where,
      body: `Old summary.${marker}`,
      user: { login: system.github.login },
    });
    expect(await deliveryOutcome(system.stores, await send("opened", shaA))).toMatchObject({ status: "done" });
    expect(comments().map((c) => [c.id, c.body.includes("Summary at aaaaaaa.")])).toEqual([
      [copy.id, false],
      [ours.id, true],
    ]);
  });

  it("lets a push that lands mid-run supersede the older run: the newer summary stays, the older delivery ends ignored", async () => {
    let olderAsked!: () => void;
    const olderWaiting = new Promise<void>((resolve) => (olderAsked = resolve));
    let releaseOlder!: () => void;
    const olderReleased = new Promise<void>((resolve) => (releaseOlder = resolve));
    await start(async (sha) => {
      if (sha === shaA) {
        olderAsked();
        await olderReleased;
      }
      return "tool" as const;
    });
    const older = await send("opened", shaA);
    await olderWaiting;
    const newer = await send("synchronize", shaB);
    expect(await deliveryOutcome(system.stores, newer)).toMatchObject({ status: "done" });
    releaseOlder();
    expect(await deliveryOutcome(system.stores, older)).toMatchObject({
      status: "ignored",
      reason: `superseded by ${newer}`,
    });
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain("Summary at bbbbbbb.");
    // The older run's write was refused, with a message that tells the model to stop.
    const refused = system.model.requests
      .flatMap((r) => toolResults(r))
      .find((m) => String(m.content).includes("A newer push"));
    expect(String(refused?.content)).toContain("do not call post_issue_comment again");
    expect(edits()).toEqual([]);
  });

  it("makes a newer run's write wait while an older run's write is under way, so the newer summary lands last", async () => {
    await start(() => "tool");
    // The older run's comment is on its way to GitHub: the run is mid-write.
    const held = system.github.holdNext({ method: "POST", pathIncludes: "/issues/2/comments", before: true });
    const older = await send("opened", shaA);
    await held.arrived;
    const newer = await send("synchronize", shaB);
    await waitFor(
      () => system.logs.some((l) => l.includes(`"msg":"tool call"`) && l.includes(`"deliveryId":"${newer}"`)),
      "the newer run's post_issue_comment",
    );
    held.release();
    expect(await deliveryOutcome(system.stores, newer)).toMatchObject({ status: "done" });
    expect(await deliveryOutcome(system.stores, older)).toMatchObject({ reason: `superseded by ${newer}` });
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain("Summary at bbbbbbb.");
    expect(edits()).toHaveLength(1);
  });

  it("after a crash between editing the comment and recording it, the retry finds the edit and posts nothing more", async () => {
    await start((sha) => (sha === shaA ? "tool" : "answer"), { startRelay: false });
    const env = relayProcessEnv(system, {
      CONFIG_FILE: join(dir, "openwebui-github.yml"),
      RELAY_RETRY_BASE_MS: "50",
      RELAY_LEASE_MS: "1500",
    });
    relay = await spawnRelay(env);
    const webhook = `${relay.url}/webhook/github`;
    await deliveryOutcome(system.stores, await send("opened", shaA, webhook));

    // GitHub edits the comment; the relay dies before it hears so, let alone records it.
    const held = system.github.holdNext({ method: "PATCH", pathIncludes: "/issues/comments/" });
    const synced = await send("synchronize", shaB, webhook);
    await held.arrived;
    await relay.kill("SIGKILL");
    held.release();
    expect(comments()[0]!.body).toContain("Summary at bbbbbbb.");
    const runsBefore = system.openWebUI.completionRequests.length;

    relay = await spawnRelay(env);
    expect(await deliveryOutcome(system.stores, synced)).toMatchObject({
      status: "done",
      attempts: 2,
      reason: "commented by an earlier attempt",
    });
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain("Summary at bbbbbbb.");
    expect(system.openWebUI.completionRequests).toHaveLength(runsBefore);
    await waitFor(() => edits().length === 1, "one edit in all");
    // Two relay processes start here: allow for a loaded machine.
  }, 40_000);
});
