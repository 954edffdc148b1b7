import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startToolTestServer, type ToolTestServer } from "./support/tool-test-server.ts";

describe("add_labels", () => {
  let tools: ToolTestServer;
  const app = { owner: "octo", repo: "app" };
  const person = { "x-openwebui-chat-id": "a-users-chat" };
  const labelWrites = () =>
    tools.github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/labels")).length;

  beforeAll(async () => {
    tools = await startToolTestServer({
      runs: [
        { chatId: "run-with-labels", ...app, issueNumber: 7, allowedLabels: ["bug", "question"] },
        { chatId: "run-without-labels", ...app, issueNumber: 7 },
      ],
    });
    const { github } = tools;
    github.addIssue({ ...app, number: 7, title: "Crash", body: null });
    github.addIssue({ ...app, number: 8, title: "How do I?", body: null, labels: ["p1"] });
    github.addLabel({ ...app, name: "bug" });
    github.addLabel({ ...app, name: "question" });
    github.addIssue({ owner: "octo", repo: "other", number: 1, title: "Elsewhere", body: null });
  });

  afterAll(async () => {
    await tools.close();
  });

  it("adds existing labels in the repository's spelling, keeping those already on the issue", async () => {
    const { status, body } = await tools.call(
      "add_labels",
      { ...app, issue_number: 8, labels: ["BUG", "bug"] },
      person,
    );
    expect(status).toBe(200);
    expect(body).toEqual({ issue_number: 8, applied: ["bug"], labels: ["p1", "bug"] });
    expect(tools.github.requests.at(-1)!.body).toEqual({ labels: ["bug"] });
  });

  it("refuses a label the repository lacks, naming those it has, instead of letting GitHub create it", async () => {
    const before = labelWrites();
    const { status, body } = await tools.call(
      "add_labels",
      { ...app, issue_number: 8, labels: ["bug", "wontfix"] },
      person,
    );
    expect(status).toBe(422);
    expect(body.detail).toMatch(
      /do not exist in octo\/app: wontfix\. This tool never creates labels\. Existing labels: .*bug.*question/,
    );
    expect(labelWrites()).toBe(before);
  });

  it("in a relay run, adds only the labels its rule allows, and only on its own issue", async () => {
    const run = { "x-openwebui-chat-id": "run-with-labels" };
    const allowed = await tools.call("add_labels", { ...app, issue_number: 7, labels: ["question"] }, run);
    expect(allowed).toMatchObject({ status: 200, body: { applied: ["question"], labels: ["question"] } });
    const before = labelWrites();
    const notAllowed = await tools.call("add_labels", { ...app, issue_number: 7, labels: ["question", "p1"] }, run);
    expect(notAllowed.status).toBe(403);
    expect(notAllowed.body.detail).toMatch(/may add only these labels: bug, question\. Not allowed: p1/);
    const otherIssue = await tools.call("add_labels", { ...app, issue_number: 8, labels: ["bug"] }, run);
    expect(otherIssue.status).toBe(403);
    expect(otherIssue.body.detail).toMatch(/may only label octo\/app#7.*issue_number 7/);
    const otherRepo = await tools.call(
      "add_labels",
      { owner: "octo", repo: "other", issue_number: 1, labels: ["bug"] },
      run,
    );
    expect(otherRepo.status).toBe(403);
    expect(labelWrites()).toBe(before);
  });

  it("in a relay run whose rule lists no labels, adds none", async () => {
    const before = labelWrites();
    const { status, body } = await tools.call(
      "add_labels",
      { ...app, issue_number: 7, labels: ["bug"] },
      { "x-openwebui-chat-id": "run-without-labels" },
    );
    expect(status).toBe(403);
    expect(body.detail).toMatch(/may not add labels: its rule allows none/);
    expect(labelWrites()).toBe(before);
  });

  it("refuses to write without the chat id header, and outside GITHUB_REPOS, without asking GitHub", async () => {
    const before = tools.github.requests.length;
    const noChat = await tools.call("add_labels", { ...app, issue_number: 8, labels: ["bug"] });
    expect(noChat).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/X-OpenWebUI-Chat-Id/) } });
    const outside = await tools.call(
      "add_labels",
      { owner: "elsewhere", repo: "repo", issue_number: 1, labels: ["bug"] },
      person,
    );
    expect(outside).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/not one this tool server may use/) },
    });
    expect(tools.github.requests.length).toBe(before);
  });

  it("answers errors the model can act on: a missing issue, no labels, too many", async () => {
    const missing = await tools.call("add_labels", { ...app, issue_number: 999, labels: ["bug"] }, person);
    expect(missing).toMatchObject({
      status: 404,
      body: { detail: expect.stringMatching(/octo\/app#999 does not exist/) },
    });
    const none = await tools.call("add_labels", { ...app, issue_number: 8, labels: [] }, person);
    expect(none).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/"labels"/) } });
    const many = await tools.call(
      "add_labels",
      { ...app, issue_number: 8, labels: Array.from({ length: 11 }, (_, i) => `l${i}`) },
      person,
    );
    expect(many).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/"labels"/) } });
  });
});
