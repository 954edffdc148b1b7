import { toolRegistry } from "../../tool-server/tool-registry.ts";
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analystScript } from "../../stand-ins/model-scripts.ts";
import { deliver, issuesOpened, waitFor } from "../../stand-ins/payloads.ts";
import { startSystem, toolServerKey, webhookSecret, type System } from "../support/system.ts";

// Needs no real Open WebUI: the stand-ins of the fast suite, and Debian's chromium.
const adminToken = "relay-admin-token-browser-0123456789";
const hostileTitle = `<img src=x onerror="document.title='owned'">Crash on start`;

let system: System;
let browser: Browser;

beforeAll(async () => {
  const { chromium } = await import("playwright-core");
  system = await startSystem({
    script: analystScript((issue) => `Look at "${String(issue.title)}".`),
    relayEnv: { RELAY_ADMIN_TOKEN: adminToken },
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // The machine has no network beyond loopback: stop Chromium from trying to reach Google's services.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  mkdirSync("test-artifacts", { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
});

async function settled(deliveryId: string) {
  return waitFor(
    async () => {
      const record = await system.stores.deliveries.findByDeliveryId(deliveryId);
      return record && ["done", "failed", "dead"].includes(record.status) ? record : undefined;
    },
    `delivery ${deliveryId}`,
    20_000,
  );
}

/** A page that records every CSP violation and script error, so a test can insist on none. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  const problems: string[] = [];
  await page.exposeFunction("reportViolation", (line: string) => problems.push(line));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      (window as unknown as { reportViolation(line: string): void }).reportViolation(
        `CSP ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`,
      );
    });
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return { page, problems };
}

describe("the deliveries page in Chromium", () => {
  it("lists a processed and a failed delivery with their links and error, filters them, and replays the failed one to done", async () => {
    system.github.addIssueFromPayload(issuesOpened({ number: 1 }));
    const ok = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened({ number: 1 }),
      secret: webhookSecret,
    });
    // Issue 2 is not on GitHub (yet): the run cannot comment and fails for good.
    const broken = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened({ number: 2, title: hostileTitle }),
      secret: webhookSecret,
    });
    const done = await settled(ok.deliveryId);
    const failed = await settled(broken.deliveryId);
    expect(done).toMatchObject({ status: "done" });
    expect(failed).toMatchObject({ status: "failed", lastError: expect.stringMatching(/404/) });

    const { page, problems } = await watchedPage();
    await page.goto(`${system.relayUrl}/deliveries`);
    await page.getByLabel("Admin token (RELAY_ADMIN_TOKEN)").fill("not-the-token-0000000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("That is not the admin token.").waitFor();
    await page.getByLabel("Admin token (RELAY_ADMIN_TOKEN)").fill(adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Deliveries" }).waitFor();

    const doneRow = page.locator(`tr[data-delivery-id="${ok.deliveryId}"]`);
    const failedRow = page.locator(`tr[data-delivery-id="${broken.deliveryId}"]`);
    await expect(doneRow.locator(".status").textContent()).resolves.toBe("done");
    await expect(doneRow.getByRole("link", { name: "comment" }).getAttribute("href")).resolves.toBe(done.commentUrl);
    await expect(doneRow.getByRole("link", { name: "chat" }).getAttribute("href")).resolves.toBe(
      `${system.openWebUI.url}/c/${done.chatId}`,
    );
    await expect(doneRow.getByRole("link", { name: "Codertocat/Hello-World#1" }).getAttribute("href")).resolves.toBe(
      "https://github.com/Codertocat/Hello-World/issues/1",
    );
    // Columns: received, event, issue, rule, status, attempts, duration, ...
    expect(await doneRow.locator("td").nth(6).textContent()).toMatch(/^\d+(\.\d)? m?s$/);
    expect(await doneRow.getByRole("button", { name: "Replay" }).count()).toBe(0);

    await expect(failedRow.locator(".status").textContent()).resolves.toBe("failed");
    await expect(failedRow.locator("td.error").textContent()).resolves.toBe(failed.lastError);
    await expect(failedRow.getByRole("link", { name: "chat" }).getAttribute("href")).resolves.toBe(
      `${system.openWebUI.url}/c/${failed.chatId}`,
    );
    // The attacker's title is shown as the text it is: no element made of it, no script run.
    expect(await failedRow.getByText(hostileTitle, { exact: true }).count()).toBe(1);
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.title()).toBe("Deliveries");
    await page.screenshot({ path: "test-artifacts/deliveries-page.png", fullPage: true });

    await page.getByRole("link", { name: "failed", exact: true }).click();
    await page.waitForURL(/\?status=failed$/);
    expect(await page.locator("tbody tr").count()).toBe(1);
    expect(await failedRow.count()).toBe(1);
    await page.getByRole("link", { name: "done", exact: true }).click();
    await page.waitForURL(/\?status=done$/);
    expect(
      await page.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-delivery-id"))),
    ).toEqual([ok.deliveryId]);

    // The fault is fixed (the issue exists now); replay from the failed filter.
    system.github.addIssueFromPayload(issuesOpened({ number: 2, title: hostileTitle }));
    await page.getByRole("link", { name: "failed", exact: true }).click();
    await failedRow.getByRole("button", { name: "Replay" }).click();
    await page.waitForURL(/\/deliveries$/);
    expect(["pending", "running", "done"]).toContain(await failedRow.locator(".status").textContent());
    // The page reloads itself while the delivery is in progress, until the row shows done.
    await failedRow.locator(".status", { hasText: "done" }).waitFor({ timeout: 20_000 });
    await expect(failedRow.getByRole("link", { name: "comment" }).getAttribute("href")).resolves.toMatch(
      /^https:\/\/github\.com\/Codertocat\/Hello-World\/issues\/2#issuecomment-\d+$/,
    );
    expect(system.github.comments("Codertocat", "Hello-World", 2)).toHaveLength(1);
    await expect(failedRow.locator("td.error").textContent()).resolves.toBe(`earlier attempt: ${failed.lastError}`);
    await page.screenshot({ path: "test-artifacts/deliveries-page-replayed.png", fullPage: true });

    expect(problems).toEqual([]);
    expect(system.github.unexpected).toEqual([]);
    await page.close();
  });

  it("the tool server's /docs shows every tool's operation in Swagger UI, and its Authorize key reaches the tools", async () => {
    system.github.addIssue({ owner: "octo", repo: "app", number: 9, title: "Docs page test issue", body: "text" });
    const { page, problems } = await watchedPage();
    await page.goto(`${system.toolServerUrl}/docs`);
    await page.getByText("GitHub tools for Open WebUI").first().waitFor({ timeout: 30_000 });
    const get = page.locator("#operations-default-get_issue");
    await get.waitFor();
    await page.locator("#operations-default-post_issue_comment").waitFor();
    expect(await page.locator(".opblock-summary-path").allTextContents()).toEqual(
      toolRegistry.map((tool) => `/${tool.name}`),
    );

    await page
      .getByRole("button", { name: /Authorize/ })
      .first()
      .click();
    await page.locator("#auth-bearer-value").fill(toolServerKey);
    await page.locator(".modal-ux").getByRole("button", { name: "Apply credentials" }).click();
    await page.locator(".modal-ux").getByRole("button", { name: "Close" }).click();

    await get.locator(".opblock-summary").click();
    await get.getByRole("button", { name: "Try it out" }).click();
    await get
      .locator("textarea.body-param__text")
      .fill(JSON.stringify({ owner: "octo", repo: "app", issue_number: 9 }));
    await get.getByRole("button", { name: "Execute" }).click();
    const status = get.locator(".live-responses-table tbody .response-col_status").first();
    await status.waitFor({ timeout: 15_000 });
    expect((await status.textContent())?.trim()).toBe("200");
    expect(await get.locator(".live-responses-table tbody .response-col_description").first().textContent()).toContain(
      "Docs page test issue",
    );
    await page.screenshot({ path: "test-artifacts/tool-server-docs.png", fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
