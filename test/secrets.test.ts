import { afterEach, describe, expect, it } from "vitest";
import { analystScript } from "../stand-ins/model-scripts.ts";
import { deliver, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { startSystem, toolServerKey, webhookSecret, type System } from "./support/system.ts";

const adminToken = "relay-admin-token-secret-0123";
const githubToken = "ghp_standin_token_0123456789";

/**
 * Drives every error path we have and looks for any credential in what
 * callers get back and in the logs (which, in tests, are not redacted).
 */
describe("secrets never leak through errors", () => {
  let system: System;
  const seen: string[] = [];

  afterEach(async () => {
    await system.close();
  });

  function assertClean(what: string, text: string) {
    for (const secret of [
      webhookSecret,
      toolServerKey,
      system.openWebUI.apiKey,
      system.model.apiKey,
      githubToken,
      adminToken,
      "wrong-key-attempt-1234567",
    ]) {
      expect(text, `${what} contains a secret`).not.toContain(secret);
    }
  }

  async function body(response: Response) {
    const text = await response.text();
    seen.push(text);
    return text;
  }

  it("on the tool server, the relay, the admin API and the model's side", async () => {
    system = await startSystem({ script: analystScript(() => "x"), startRelay: false });
    await system.startRelay({
      RELAY_ADMIN_TOKEN: adminToken,
      RELAY_MAX_ATTEMPTS: "1",
      OPENWEBUI_API_KEY: "sk-wrong-openwebui-key-000",
    });
    const toolCall = (path: string, payload: unknown, key: string) =>
      fetch(`${system.toolServerUrl}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify(payload),
      });

    // Tool server: wrong key, bad input, missing issue, GitHub failing, a refused credential in a comment.
    await body(
      await toolCall("get_issue", { owner: "octo", repo: "app", issue_number: 1 }, "wrong-key-attempt-1234567"),
    );
    await body(await toolCall("get_issue", { owner: 5 }, toolServerKey));
    await body(await toolCall("get_issue", { owner: "octo", repo: "app", issue_number: 404 }, toolServerKey));
    // Only the tool call's reads fail: the relay's own requests must reach Open WebUI's refusal below.
    system.github.failNext(5, "server-error", { pathIncludes: "/repos/octo/app/issues/1" });
    await body(await toolCall("get_issue", { owner: "octo", repo: "app", issue_number: 1 }, toolServerKey));
    await body(
      await toolCall(
        "post_issue_comment",
        { owner: "octo", repo: "app", issue_number: 1, body: `token ${githubToken}` },
        toolServerKey,
      ),
    );

    // Relay: bad signature, Open WebUI refusing the relay's key, admin API with a wrong token.
    await body(
      await deliver(system.webhookUrl, { event: "issues", payload: issuesOpened(), secret: "not-the-secret" }),
    );
    system.github.addIssueFromPayload(issuesOpened());
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    const failed = await waitFor(async () => {
      const r = await system.stores.deliveries.findByDeliveryId(deliveryId);
      return r && ["failed", "dead"].includes(r.status) ? r : undefined;
    }, "the delivery to fail");
    expect(failed.reason).toMatch(/Open WebUI answered 401/);
    seen.push(JSON.stringify(failed));
    await body(
      await fetch(`${system.relayUrl}/api/deliveries`, {
        headers: { authorization: "Bearer wrong-key-attempt-1234567" },
      }),
    );
    await body(
      await fetch(`${system.relayUrl}/api/deliveries`, { headers: { authorization: `Bearer ${adminToken}` } }),
    );

    assertClean("responses", seen.join("\n"));
    assertClean("logs", system.logs.join("\n"));
    expect(system.logs.length).toBeGreaterThan(10);
  });
});
