import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startToolTestServer, type ToolTestServer } from "./support/tool-test-server.ts";

const workflow = `on:
  workflow_dispatch:
    inputs:
      reason:
        type: string
`;

describe("write tools in a run whose rule is in observe mode", () => {
  let tools: ToolTestServer;
  const app = { owner: "octo", repo: "app" };
  const observed = { "x-openwebui-chat-id": "observed-run" };
  const acting = { "x-openwebui-chat-id": "acting-run" };
  const writes = () => tools.github.requests.filter((r) => r.method !== "GET");
  const recorded = () => tools.stores.observations.ofDeliveries(["1:delivery-of-observed-run"]);

  beforeAll(async () => {
    const rule = { mode: "observe" as const, name: "triage-trial" };
    tools = await startToolTestServer({
      runs: [
        {
          chatId: "observed-run",
          ...app,
          issueNumber: 7,
          allowedLabels: ["bug"],
          allowedWorkflows: ["triage.yml"],
          rule,
        },
        { chatId: "acting-run", ...app, issueNumber: 7, allowedLabels: ["bug"] },
      ],
    });
    tools.github.addIssue({ ...app, number: 7, title: "Crash", body: null });
    tools.github.addLabel({ ...app, name: "bug" });
    tools.github.addFile({ ...app, path: ".github/workflows/triage.yml", content: workflow });
  });

  afterAll(async () => {
    await tools.close();
  });

  it("records a comment with its text instead of posting it, and tells the model it was recorded", async () => {
    const body = "This looks like a **bug** in the parser <script>x</script>.";
    const answer = await tools.call("post_issue_comment", { ...app, issue_number: 7, body }, observed);
    expect(answer).toEqual({
      status: 200,
      body: {
        id: 0,
        html_url: "https://github.com/octo/app/issues/7",
        updated: false,
        observed: expect.stringMatching(/^Observe mode: nothing was sent to GitHub.*do not retry it\.$/),
      },
    });
    expect(writes()).toEqual([]);
    expect(tools.github.comments("octo", "app", 7)).toEqual([]);
    expect(await recorded()).toEqual([
      expect.objectContaining({ rule: "triage-trial", tool: "post_issue_comment", target: "octo/app#7", text: body }),
    ]);
    // Nothing of the comment budget was taken: the budget shows no slot.
    expect(
      await tools.stores.coordination.reserveWrite("token", [{ max: 1, windowMs: 60_000 }], { peek: true }),
    ).toMatchObject({
      ok: true,
    });
  });

  it("refuses in observe mode what act mode refuses: another issue, another label", async () => {
    const elsewhere = await tools.call("post_issue_comment", { ...app, issue_number: 8, body: "hi" }, observed);
    expect(elsewhere).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/only comment on octo\/app#7/) },
    });
    const label = await tools.call("add_labels", { ...app, issue_number: 7, labels: ["wontfix"] }, observed);
    expect(label).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/may add only these labels: bug/) },
    });
    expect(writes()).toEqual([]);
  });

  it("records labels in the repository's spelling instead of applying them", async () => {
    const answer = await tools.call("add_labels", { ...app, issue_number: 7, labels: ["BUG"] }, observed);
    expect(answer).toMatchObject({ status: 200, body: { applied: ["bug"], observed: expect.any(String) } });
    expect(writes()).toEqual([]);
    expect((await recorded()).at(-1)).toMatchObject({ tool: "add_labels", target: "octo/app#7", labels: ["bug"] });
  });

  it("records a checked workflow dispatch instead of running it", async () => {
    const args = { ...app, workflow: "triage.yml", ref: "main", inputs: { reason: "new issue" } };
    const answer = await tools.call("dispatch_workflow", args, observed);
    expect(answer).toMatchObject({ status: 200, body: { status: "dispatched", observed: expect.any(String) } });
    expect(writes()).toEqual([]);
    expect((await recorded()).at(-1)).toMatchObject({
      tool: "dispatch_workflow",
      target: "octo/app workflow triage.yml@main",
      text: '{"reason":"new issue"}',
    });
  });

  it("refuses create_issue to an observed run as to any run: act mode would not create it either", async () => {
    const answer = await tools.call("create_issue", { ...app, title: "Follow-up" }, observed);
    expect(answer).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/may not create issues/) } });
    expect(writes()).toEqual([]);
  });

  it("leaves a run in act mode writing to GitHub", async () => {
    const answer = await tools.call("add_labels", { ...app, issue_number: 7, labels: ["bug"] }, acting);
    expect(answer).toEqual({ status: 200, body: { issue_number: 7, applied: ["bug"], labels: ["bug"] } });
    expect(writes()).toHaveLength(1);
  });
});
