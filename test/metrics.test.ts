import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteToolServerStores } from "../store/sqlite/open-sqlite-stores.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { startToolServerFor } from "./support/start-services.ts";
import { startGitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { analystScript, issueAskedAbout } from "../stand-ins/model-scripts.ts";
import { deliver, issuesOpened } from "../stand-ins/payloads.ts";
import { deliveryOutcome, startSystem, toolServerKey, webhookSecret, type System } from "./support/system.ts";

/** The value of one sample in Prometheus's text format, undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (
      Object.keys(found).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => found[k] === v)
    )
      return Number(match[3]);
  }
  return undefined;
}

async function scrape(url: string, token?: string) {
  const response = await fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

const p = "openwebui_github_";

describe("GET /metrics", () => {
  let system: System | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];

  afterEach(async () => {
    if (system) {
      expect(system.github.unexpected).toEqual([]);
      expect(system.model.errors).toEqual([]);
      await system.close();
      system = undefined;
    }
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const finished = (deliveryId: string) => deliveryOutcome(system!.stores, deliveryId);

  it("counts the tool calls of a run that failed, read back from the run's chat", async () => {
    // get_issue fails (GitHub has no such issue); the model then answers in words, which the relay posts.
    system = await startSystem({
      script: (request) =>
        request.messages.some((m) => m.role === "tool")
          ? { content: "Could not read the issue." }
          : { toolCalls: [{ name: "get_issue", arguments: { ...issueAskedAbout(request) } }] },
    });
    system.github.addIssueFromPayload(issuesOpened());
    const run = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened({ number: 404 }),
      secret: webhookSecret,
    });
    expect((await finished(run.deliveryId)).status).not.toBe("running");
    const relay = await scrape(system.relayUrl);
    expect(sample(relay.text, `${p}tool_errors_total`, { tool: "get_issue" })).toBe(1);
    expect(sample(relay.text, `${p}tool_errors_total`, { tool: "post_issue_comment" })).toBeUndefined();
  });

  it("counts deliveries by event and outcome, the queue, run durations, model errors and GitHub's rate limit", async () => {
    const analyst = analystScript(() => "A typo in README.");
    // Issue 1: the model comments through the tools. Issue 2: it says nothing at all.
    system = await startSystem({
      script: (request, index) =>
        issueAskedAbout(request).issue_number === 1 ? analyst(request, index) : { content: "" },
      startRelay: false,
    });
    system.github.reportRateLimitRemaining(4321);
    await system.startRelay();
    // Issue 1's body is too long for the message: the model reads it with get_issue, then comments.
    const first = issuesOpened({ body: "x".repeat(25_000) });
    system.github.addIssueFromPayload(first);
    system.github.addIssueFromPayload(issuesOpened({ number: 2 }));

    const done = await deliver(system.webhookUrl, { event: "issues", payload: first, secret: webhookSecret });
    expect((await finished(done.deliveryId)).status).toBe("done");
    const failed = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened({ number: 2 }),
      secret: webhookSecret,
    });
    expect((await finished(failed.deliveryId)).status).toBe("failed");
    const duplicate = await deliver(system.webhookUrl, {
      event: "issues",
      payload: first,
      secret: webhookSecret,
      deliveryId: done.deliveryId,
    });
    expect(await duplicate.json()).toMatchObject({ status: "duplicate" });
    const ignored = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened({ number: 9, senderLogin: "renovate[bot]", senderType: "Bot" }),
      secret: webhookSecret,
    });
    expect(await ignored.json()).toMatchObject({ status: "ignored" });
    // Refused, for a wrong signature or an unusable payload: not counted as received.
    expect(
      (await deliver(system.webhookUrl, { event: "issues", payload: issuesOpened(), secret: "not-the-secret" })).status,
    ).toBe(401);
    expect(
      (await deliver(system.webhookUrl, { event: "issues", payload: { action: "opened" }, secret: webhookSecret }))
        .status,
    ).toBe(400);
    expect(
      (
        await deliver(system.webhookUrl, {
          event: "ping",
          payload: { zen: "Keep it logically awesome.", hook_id: 1 },
          secret: webhookSecret,
        })
      ).status,
    ).toBe(200);
    // Nothing sent after the first two may start a run: the counts below are final once the worker is idle.
    await system.relayIdle();

    const relay = await scrape(system.relayUrl);
    expect(relay.status).toBe(200);
    expect(relay.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const deliveries = (outcome: string) => sample(relay.text, `${p}deliveries_total`, { event: "issues", outcome });
    expect(deliveries("received")).toBe(4);
    expect(sample(relay.text, `${p}deliveries_total`, { event: "ping", outcome: "received" })).toBe(1);
    expect(deliveries("queued")).toBe(2);
    expect(deliveries("duplicate")).toBe(1);
    expect(deliveries("ignored")).toBe(1);
    expect(deliveries("done")).toBe(1);
    expect(deliveries("failed")).toBe(1);
    expect(deliveries("dead")).toBeUndefined();
    expect(deliveries("retried")).toBeUndefined();

    // How long GitHub waited, by status code: queued, failed, duplicate and ignored were 202s.
    const answered = (code: string) => sample(relay.text, `${p}webhook_answer_seconds_count`, { code });
    expect([answered("202"), answered("401"), answered("400"), answered("200")]).toEqual([4, 1, 1, 1]);
    expect(sample(relay.text, `${p}webhook_answer_seconds_sum`, { code: "202" })).toBeGreaterThan(0);
    expect(sample(relay.text, `${p}webhook_answer_seconds_bucket`, { code: "202", le: "10" })).toBe(4);
    const queue = (status: string) => sample(relay.text, `${p}queue_deliveries`, { status });
    expect([
      queue("pending"),
      queue("running"),
      queue("done"),
      queue("failed"),
      queue("ignored"),
      queue("dead"),
    ]).toEqual([0, 0, 1, 1, 1, 0]);

    expect(sample(relay.text, `${p}run_duration_seconds_count`, { outcome: "done" })).toBe(1);
    expect(sample(relay.text, `${p}run_duration_seconds_count`, { outcome: "failed" })).toBe(1);
    expect(sample(relay.text, `${p}run_duration_seconds_sum`, { outcome: "done" })).toBeGreaterThan(0);
    expect(sample(relay.text, `${p}run_duration_seconds_bucket`, { outcome: "done", le: "+Inf" })).toBe(1);
    expect(sample(relay.text, `${p}model_errors_total`, { kind: "no_answer" })).toBe(1);
    // From the headers on the relay's own GitHub calls (its login at startup).
    expect(sample(relay.text, `${p}github_rate_limit_remaining`, { resource: "core" })).toBe(4321);
    expect(sample(relay.text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);

    // The tool calls are the tool server's to count: Open WebUI made them, not the relay.
    const wrongKey = await fetch(`${system.toolServerUrl}/get_issue`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer wrong-key-0123456789" },
      body: "{}",
    });
    expect(wrongKey.status).toBe(401);
    const missing = await fetch(`${system.toolServerUrl}/get_issue`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${toolServerKey}` },
      body: JSON.stringify({ owner: "octo", repo: "app", issue_number: 404 }),
    });
    expect(missing.status).toBe(404);
    const tools = await scrape(system.toolServerUrl);
    expect(tools.status).toBe(200);
    const calls = (tool: string, status: string) => sample(tools.text, `${p}tool_calls_total`, { tool, status });
    expect(calls("get_issue", "200")).toBe(1);
    expect(calls("post_issue_comment", "200")).toBe(1);
    expect(calls("get_issue", "401")).toBe(1);
    expect(calls("get_issue", "404")).toBe(1);
    expect(sample(tools.text, `${p}tool_call_duration_seconds_count`, { tool: "get_issue" })).toBe(3);
    expect(sample(tools.text, `${p}github_rate_limit_remaining`, { resource: "core" })).toBe(4321);
  });

  it("counts retries, dead letters and an unreachable Open WebUI by kind", async () => {
    system = await startSystem({ script: analystScript(() => "x"), startRelay: false });
    system.github.addIssueFromPayload(issuesOpened());
    await system.startRelay({
      OPENWEBUI_URL: "http://127.0.0.1:9",
      RELAY_MAX_ATTEMPTS: "2",
      RELAY_RETRY_BASE_MS: "20",
    });
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    expect(await finished(deliveryId)).toMatchObject({ status: "dead" });
    const { text } = await scrape(system.relayUrl);
    expect(sample(text, `${p}deliveries_total`, { event: "issues", outcome: "retried" })).toBe(1);
    expect(sample(text, `${p}deliveries_total`, { event: "issues", outcome: "dead" })).toBe(1);
    expect(sample(text, `${p}model_errors_total`, { kind: "unreachable" })).toBe(2);
    expect(sample(text, `${p}run_duration_seconds_count`, { outcome: "retried" })).toBe(1);
    expect(sample(text, `${p}run_duration_seconds_count`, { outcome: "dead" })).toBe(1);
    expect(sample(text, `${p}queue_deliveries`, { status: "dead" })).toBe(1);
  });

  it("counts Open WebUI refusing the relay's key as a model error, and the delivery as failed", async () => {
    system = await startSystem({ script: analystScript(() => "x"), startRelay: false });
    await system.startRelay({ OPENWEBUI_API_KEY: "sk-not-the-right-key-000" });
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    expect((await finished(deliveryId)).status).toBe("failed");
    const { text } = await scrape(system.relayUrl);
    expect(sample(text, `${p}model_errors_total`, { kind: "refused" })).toBe(1);
    expect(sample(text, `${p}deliveries_total`, { event: "issues", outcome: "failed" })).toBe(1);
  });

  it("keeps labels bounded: an event name outside GitHub's form is counted as other", async () => {
    system = await startSystem({ script: analystScript(() => "x") });
    const odd = await deliver(system.webhookUrl, {
      event: "Made-Up Event",
      payload: { action: "x" },
      secret: webhookSecret,
    });
    expect(odd.status).toBe(202);
    const { text } = await scrape(system.relayUrl);
    expect(sample(text, `${p}deliveries_total`, { event: "other", outcome: "received" })).toBe(1);
    expect(text).not.toContain("Made-Up");
  });

  it("asks for METRICS_TOKEN as a bearer token when it is set, on the relay and on the tool server", async () => {
    const token = "metrics-token-0123456789abcdef";
    system = await startSystem({ script: analystScript(() => "x"), startRelay: false });
    await system.startRelay({ METRICS_TOKEN: token });
    expect((await scrape(system.relayUrl)).status).toBe(401);
    expect((await scrape(system.relayUrl, "wrong-token-0123456789abcdef")).status).toBe(401);
    const allowed = await scrape(system.relayUrl, token);
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain(`# TYPE ${p}deliveries_total counter`);
    // The token is a secret of the deployment like the others: never logged.
    expect(system.logs.join("\n")).not.toContain(token);

    const github = await startGitHubStandIn();
    const dataDir = mkdtempSync(join(tmpdir(), "metrics-"));
    const stores = await openSqliteToolServerStores({ dataDir });
    const env = {
      TOOL_SERVER_API_KEY: toolServerKey,
      GITHUB_TOKEN: "ghp_standin_token_0123456789",
      GITHUB_API_URL: github.url,
      GITHUB_REPOS: "octo/app",
      TOOL_SERVER_PORT: "0",
      METRICS_TOKEN: token,
    };
    const toolServer = await startToolServerFor(env, stores);
    cleanups.push(async () => {
      await toolServer.close();
      await stores.close();
      await github.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    expect((await scrape(toolServer.url)).status).toBe(401);
    // The tool key opens the tools, not the metrics.
    expect((await scrape(toolServer.url, toolServerKey)).status).toBe(401);
    expect((await scrape(toolServer.url, token)).status).toBe(200);
  });

  it("refuses a METRICS_TOKEN too short to be secret, naming the variable", async () => {
    const { loadRelayConfig } = await import("../config/load-relay-config.ts");
    const env = {
      GITHUB_WEBHOOK_SECRET: webhookSecret,
      GITHUB_TOKEN: "ghp_x",
      GITHUB_REPOS: "octo/app",
      OPENWEBUI_URL: "http://127.0.0.1:1",
      OPENWEBUI_API_KEY: "sk-x",
      METRICS_TOKEN: "short",
    };
    expect(() => loadRelayConfig(env)).toThrow(/METRICS_TOKEN is too short/);
    expect(() => loadToolServerConfig({ ...env, TOOL_SERVER_API_KEY: toolServerKey })).toThrow(
      /METRICS_TOKEN is too short/,
    );
  });
});
