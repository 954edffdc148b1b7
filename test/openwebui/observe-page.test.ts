import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import type { IssuePayload } from "../../stand-ins/github-stand-in.ts";
import { toolResults } from "../../stand-ins/model-scripts.ts";
import { deliver } from "../../stand-ins/payloads.ts";
import type { ModelScript } from "../../stand-ins/scripted-model.ts";
import { recordedPayload, type Payload } from "../support/recorded-payloads.ts";
import { deliveryOutcome, startSystem, webhookSecret, type System } from "../support/system.ts";

// Needs no real Open WebUI: the stand-ins of the fast suite, and Debian's chromium.
const adminToken = "relay-admin-token-observe-0123456789";
const hostile = `<img src=x onerror="document.title='owned'">Looks like a parser bug; see the stack trace.`;

/** Labels the issue it is asked about `bug` and comments on it, in one turn; then says so. */
const triage: ModelScript = (request) => {
  if (toolResults(request).length > 0) return { content: "Labelled and commented." };
  const user = String(request.messages.find((m) => m.role === "user")?.content ?? "");
  const where = /#(\d+) in \S+ \(owner ([^,]+), repo ([^)]+)\)/.exec(user)!;
  const target = { owner: where[2]!, repo: where[3]!, issue_number: Number(where[1]) };
  return {
    toolCalls: [
      { name: "add_labels", arguments: { ...target, labels: ["bug"] } },
      { name: "post_issue_comment", arguments: { ...target, body: hostile } },
    ],
  };
};

let system: System;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  const { chromium } = await import("playwright-core");
  dir = mkdtempSync(join(tmpdir(), "observe-page-"));
  writeFileSync(
    join(dir, "openwebui-github.yml"),
    `rules:
  - name: triage-trial
    on: issues.opened
    mode: observe
    labels: [bug, question]
    tools: [add_labels, post_issue_comment]
    prompt: "Triage {{kind}} #{{number}} in {{repository}} (owner {{owner}}, repo {{repo}}).{{body}}"
`,
  );
  system = await startSystem({
    script: triage,
    configFile: loadConfigFile(configFileLocation({}, dir)),
    relayEnv: { RELAY_ADMIN_TOKEN: adminToken },
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
  });
  mkdirSync("test-artifacts", { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function issuesPayload(action: string): Payload {
  const payload = recordedPayload("issues", action);
  payload.issue.created_at = new Date().toISOString();
  return payload;
}

describe("observe mode on the deliveries page in Chromium", () => {
  it("shows what an observed rule would have posted, as text, with its labels, and how its labels agreed with people's", async () => {
    system.github.addLabel({ owner: "Codertocat", repo: "Hello-World", name: "bug" });
    system.github.addIssueFromPayload(issuesPayload("opened") as unknown as IssuePayload);
    const sent = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesPayload("opened"),
      secret: webhookSecret,
    });
    expect(await deliveryOutcome(system.stores, sent.deliveryId)).toMatchObject({ status: "done" });
    // A person labels the issue bug afterwards.
    await deliver(system.webhookUrl, { event: "issues", payload: issuesPayload("labeled"), secret: webhookSecret });

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    await page.exposeFunction("reportViolation", (line: string) => problems.push(line));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        (window as unknown as { reportViolation(line: string): void }).reportViolation(
          `CSP ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`,
        );
      });
    });
    await page.goto(`${system.relayUrl}/deliveries`);
    await page.getByLabel("Admin token (RELAY_ADMIN_TOKEN)").fill(adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Deliveries" }).waitFor();

    const observed = page.locator(`tr[data-observed-for="${sent.deliveryId}"]`);
    await expect(observed.getByText("Would have posted on Codertocat/Hello-World#1:").count()).resolves.toBe(1);
    await expect(observed.locator("blockquote").textContent()).resolves.toBe(hostile);
    await expect(observed.locator(".label").allTextContents()).resolves.toEqual(["bug"]);
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.title()).toBe("Deliveries");

    const agreement = page.getByRole("region", { name: "Observe mode: label agreement" });
    await expect(agreement.locator('tr[data-rule="triage-trial"] td').allTextContents()).resolves.toEqual([
      "triage-trial",
      "1",
      "1",
      "100% (1 of 1)",
    ]);
    await page.screenshot({ path: "test-artifacts/deliveries-page-observe.png", fullPage: true });
    expect(problems).toEqual([]);
    expect(system.github.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(system.github.unexpected).toEqual([]);
    await page.close();
  });
});
