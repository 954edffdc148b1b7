import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import { deliver, examplePayload, issuesOpened } from "../../stand-ins/payloads.ts";
import type { ModelRequest } from "../../stand-ins/scripted-model.ts";
import { recordedPayload } from "../support/recorded-payloads.ts";
import { deliveryOutcome, startSystem, webhookSecret, type System } from "../support/system.ts";

const repo = { owner: "Codertocat", repo: "Hello-World" };
const path = ".github/openwebui-github.yml";

const deploymentFile = `rules:
  - name: triage
    on: [issues.opened, issues.labeled]
    tools: [get_issue, add_labels, post_issue_comment]
    labels: [bug, question]
`;

const userMessage = (request: ModelRequest) => String(request.messages.find((m) => m.role === "user")?.content ?? "");

describe("a repository's own .github/openwebui-github.yml, end to end", () => {
  let system: System;
  let dir: string;

  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    expect(system.model.errors).toEqual([]);
    await system.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(relayEnv: Record<string, string> = {}) {
    dir = mkdtempSync(join(tmpdir(), "repo-config-"));
    writeFileSync(join(dir, "openwebui-github.yml"), deploymentFile);
    system = await startSystem({
      // The model answers in text; the relay posts it (COMMENT_FALLBACK), so each run ends done.
      script: () => ({ content: "Noted." }),
      configFile: loadConfigFile(configFileLocation({}, dir)),
      relayEnv,
    });
    for (const number of [1, 2, 3])
      system.github.addIssue({ ...repo, number, title: `Issue ${number}`, body: "Text." });
    system.github.addIssue({ owner: "octo", repo: "app", number: 1, title: "Elsewhere", body: "Text." });
  }

  async function send(event: string, payload: Record<string, unknown>) {
    const response = await deliver(system.webhookUrl, { event, payload, secret: webhookSecret });
    expect(response.status).toBe(202);
    return { deliveryId: response.deliveryId, ...((await response.json()) as { status: string; reason?: string }) };
  }

  /** An issue opened in Hello-World, run to its end; the model's prompt for it when it reached the model. */
  async function opened(number: number, where = repo) {
    const sent = await send("issues", issuesOpened({ ...where, number, title: `Issue ${number}` }));
    expect(sent.status).toBe("queued");
    const record = await deliveryOutcome(system.stores, sent.deliveryId);
    const request = system.model.requests.find((r) => userMessage(r).includes(`Issue ${number}`));
    return { record, prompt: request ? userMessage(request) : null };
  }

  function push(ref: string) {
    const payload = examplePayload("push") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    payload.ref = ref;
    payload.repository.default_branch = "main";
    return send("push", payload);
  }

  it("narrows a rule: the repository's prompt is what the model gets, untrusted text still marked, and an event it left out ends ignored with the reason", async () => {
    await start();
    system.github.addFile({
      ...repo,
      path,
      content: `rules:
  triage:
    on: issues.opened
    tools: [get_issue, post_issue_comment]
    labels: [bug]
    prompt: |
      Repository prompt for #{{number}}:
      {{title}}
`,
    });
    const { record, prompt } = await opened(1);
    expect(record).toMatchObject({ status: "done", rule: "triage" });
    expect(prompt).toContain("Repository prompt for #1:");
    expect(prompt).toContain("<<<UNTRUSTED_TITLE\nIssue 1\nUNTRUSTED_TITLE>>>");

    const labeled = recordedPayload("issues", "labeled");
    const sent = await send("issues", labeled);
    expect(sent.status).toBe("queued");
    expect(await deliveryOutcome(system.stores, sent.deliveryId)).toMatchObject({
      status: "ignored",
      rule: "triage",
      reason: `rule triage: Codertocat/Hello-World's ${path} limits it to issues.opened`,
    });
    expect(system.model.requests).toHaveLength(1);
  });

  it("refuses a file that tries to widen, naming its line: no rule runs in that repository until it is fixed, others are untouched", async () => {
    await start();
    system.github.addFile({
      ...repo,
      path,
      content: `rules:
  triage:
    tools: [get_issue, dispatch_workflow]
`,
    });
    const { record, prompt } = await opened(1);
    expect(record.status).toBe("ignored");
    expect(record.reason).toBe(
      `Codertocat/Hello-World's ${path} is invalid, so no rule runs there until it is fixed: ` +
        `${path}:3:24: rules.triage.tools[1]: tool "dispatch_workflow" is not one the deployment's rule "triage" allows ` +
        "(get_issue, add_labels, post_issue_comment); a repository can only narrow",
    );
    expect(prompt).toBeNull();
    expect(system.logs.some((l) => l.includes("repository config refused") && l.includes(`${path}:3:24`))).toBe(true);
    // Another repository has no file: the deployment's rule runs there as it is.
    expect((await opened(1, { owner: "octo", repo: "app" })).record.status).toBe("done");
  });

  it("reads the file again after a push to the default branch, not after a push to another branch", async () => {
    // The TTL is an hour: only the push can make the relay read the file again during the test.
    await start({ RELAY_REPO_CONFIG_TTL_MS: "3600000" });
    const promptFile = (text: string) =>
      system.github.addFile({
        ...repo,
        path,
        content: `rules:\n  triage:\n    prompt: "${text} {{number}}: {{title}}"\n`,
      });
    promptFile("First prompt");
    expect((await opened(1)).prompt).toContain("First prompt 1");

    promptFile("Second prompt");
    const elsewhere = await push("refs/heads/feature");
    expect(elsewhere).toMatchObject({
      status: "ignored",
      reason: `push to refs/heads/feature: only a push to the default branch (main) refreshes ${path}`,
    });
    expect((await opened(2)).prompt).toContain("First prompt 2");

    const onMain = await push("refs/heads/main");
    expect(onMain).toMatchObject({
      status: "ignored",
      reason: `push to main: Codertocat/Hello-World's ${path} is read again before its next run`,
    });
    expect((await opened(3)).prompt).toContain("Second prompt 3");
    // A push is no run: the delivery log shows it ignored, with what it did.
    expect(await system.stores.deliveries.findByDeliveryId(onMain.deliveryId)).toMatchObject({
      status: "ignored",
      event: "push",
      reason: onMain.reason,
    });
    const reads = system.github.requests.filter((r) => r.path.includes("/contents/"));
    expect(reads).toHaveLength(2);
  });
});
