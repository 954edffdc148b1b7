import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkWorkflowDispatchSettings } from "../tool-server/tools/workflow-dispatch-settings.ts";
import type { PeoplePolicy } from "../config/people-schema.ts";
import { relayAccount, startToolTestServer, type ToolTestServer } from "./support/tool-test-server.ts";
import { signUserJwt, type OpenWebUIUser } from "./support/user-jwt.ts";

const deployWorkflow = `name: Deploy
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [staging, production]
        required: true
      dry_run:
        type: boolean
        default: false
      replicas:
        type: number
      note:
        type: string
`;

// A person runs workflows only with write on the repository (issue 12): Open WebUI signs who they are,
// and a confirmation is bound to that verified user, not to a name anyone can choose.
const userJwtSecret = "open-webui-forward-secret-dispatch-8d2b";
const user = (id: string): OpenWebUIUser => ({ id: `user-${id}`, email: `${id}@example.com`, name: id, role: "user" });
const writers = ["alice", "bob", "mallory"].map(user);
const people: PeoplePolicy = {
  default: "read",
  grants: writers.map((w) => ({ email: w.email, repos: ["octo/*"], access: "write" as const })),
  comments_per_hour: 20,
  attribution: false,
};
const as = async (who: OpenWebUIUser, chatId?: string) => ({
  ...(chatId ? { "x-openwebui-chat-id": chatId } : {}),
  "x-openwebui-user-jwt": await signUserJwt(userJwtSecret, who),
});

describe("dispatch_workflow", () => {
  let tools: ToolTestServer;
  let clock = Date.now();
  const app = { owner: "octo", repo: "app" };
  let alice: Record<string, string>;
  // A run's calls come from the relay's account, signed as Open WebUI signs it.
  let relay: Record<string, string>;
  const deploy = { ...app, workflow: "deploy.yml", ref: "main", inputs: { environment: "staging", dry_run: true } };
  const dispatchRequests = () =>
    tools.github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/dispatches")).length;

  async function confirmationFor(args: Record<string, unknown>) {
    const first = await tools.call("dispatch_workflow", args, alice);
    expect(first).toMatchObject({ status: 200, body: { status: "confirmation_needed" } });
    return first.body.confirmation_token as string;
  }

  beforeAll(async () => {
    alice = await as(writers[0]!, "alices-chat");
    relay = await as(relayAccount);
    tools = await startToolTestServer({
      userJwtSecret,
      people,
      runs: [
        { chatId: "run-with-deploy", ...app, issueNumber: 7, allowedWorkflows: ["deploy.yml"] },
        { chatId: "run-without-workflows", ...app, issueNumber: 7 },
      ],
      workflowDispatch: { workflows: ["deploy.yml"], confirmationKey: randomBytes(32), now: () => clock },
    });
    const { github } = tools;
    github.addFile({ ...app, path: ".github/workflows/deploy.yml", content: deployWorkflow });
    github.addFile({ ...app, path: ".github/workflows/deploy.yml", content: deployWorkflow, ref: "release" });
    github.addFile({ ...app, path: ".github/workflows/cleanup.yml", content: "on: workflow_dispatch\n" });
    github.addFile({ owner: "octo", repo: "other", path: ".github/workflows/deploy.yml", content: deployWorkflow });
  });

  afterAll(async () => {
    await tools.close();
  });

  it("shows a person what would run and runs it only on the second call, with the token", async () => {
    const first = await tools.call("dispatch_workflow", deploy, alice);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: "confirmation_needed",
      workflow: "deploy.yml",
      ref: "main",
      inputs: { environment: "staging", dry_run: "true" },
      runs_url: "https://github.com/octo/app/actions/workflows/deploy.yml",
    });
    expect(Date.parse(first.body.expires_at as string)).toBeGreaterThan(clock);
    expect(tools.github.dispatches()).toEqual([]);
    const second = await tools.call(
      "dispatch_workflow",
      { ...deploy, confirmation_token: first.body.confirmation_token },
      alice,
    );
    expect(second).toMatchObject({ status: 200, body: { status: "dispatched", inputs: first.body.inputs } });
    expect(second.body.confirmation_token).toBeUndefined();
    expect(tools.github.dispatches()).toEqual([
      { ...app, workflow: "deploy.yml", ref: "main", inputs: { environment: "staging", dry_run: "true" } },
    ]);
  });

  it("refuses a token used twice", async () => {
    const token = await confirmationFor(deploy);
    expect((await tools.call("dispatch_workflow", { ...deploy, confirmation_token: token }, alice)).status).toBe(200);
    const before = dispatchRequests();
    const again = await tools.call("dispatch_workflow", { ...deploy, confirmation_token: token }, alice);
    expect(again.status).toBe(403);
    expect(again.body.detail).toMatch(/already used\. Call dispatch_workflow again without confirmation_token/);
    expect(dispatchRequests()).toBe(before);
  });

  it("refuses a token issued for other inputs, another ref or another workflow", async () => {
    const token = await confirmationFor(deploy);
    const before = dispatchRequests();
    for (const changed of [
      { ...deploy, inputs: { environment: "production", dry_run: true } },
      { ...deploy, ref: "release" },
      { ...deploy, inputs: { environment: "staging" } },
    ]) {
      const { status, body } = await tools.call("dispatch_workflow", { ...changed, confirmation_token: token }, alice);
      expect(status).toBe(403);
      expect(body.detail).toMatch(/issued for another workflow, ref or inputs/);
    }
    expect(dispatchRequests()).toBe(before);
    // Still unused: the refusals above did not spend it.
    expect((await tools.call("dispatch_workflow", { ...deploy, confirmation_token: token }, alice)).status).toBe(200);
  });

  it("refuses an expired token", async () => {
    const token = await confirmationFor(deploy);
    clock += 5 * 60_000 + 1_000;
    const before = dispatchRequests();
    const late = await tools.call("dispatch_workflow", { ...deploy, confirmation_token: token }, alice);
    expect(late.status).toBe(403);
    expect(late.body.detail).toMatch(/has expired/);
    expect(dispatchRequests()).toBe(before);
  });

  it("refuses another person's token, from another chat or under another name, and a forged one", async () => {
    const token = await confirmationFor(deploy);
    const before = dispatchRequests();
    const bob = await as(writers[1]!, "bobs-chat");
    const asBob = await tools.call("dispatch_workflow", { ...deploy, confirmation_token: token }, bob);
    expect(asBob).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/issued to someone else/) } });
    // Another verified user (another JWT subject) in Alice's chat, who may write too.
    const mallory = await as(writers[2]!, "alices-chat");
    const inAlicesChat = await tools.call("dispatch_workflow", { ...deploy, confirmation_token: token }, mallory);
    expect(inAlicesChat).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/issued to someone else/) },
    });
    const [header, payload] = token.split(".");
    const forged = `${header}.${payload}.${Buffer.from(randomBytes(32)).toString("base64url")}`;
    const bad = await tools.call("dispatch_workflow", { ...deploy, confirmation_token: forged }, alice);
    expect(bad).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/is not valid/) } });
    const aliceElsewhere = await as(writers[0]!, "alices-other-chat");
    const otherChat = await tools.call("dispatch_workflow", { ...deploy, confirmation_token: token }, aliceElsewhere);
    expect(otherChat).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/in another chat/) } });
    expect(dispatchRequests()).toBe(before);
    // The token is bound to Alice's user id, not her display name: renamed, she still confirms.
    const renamed = await as({ ...writers[0]!, name: "Alice Renamed" }, "alices-chat");
    const confirmed = await tools.call("dispatch_workflow", { ...deploy, confirmation_token: token }, renamed);
    expect(confirmed).toMatchObject({ status: 200, body: { status: "dispatched" } });
  });

  it("refuses a person the people policy gives only read, and an anonymous caller, before any token", async () => {
    const reads = tools.github.requests.length;
    const reader = await as(user("rita"), "ritas-chat");
    const refused = await tools.call("dispatch_workflow", deploy, reader);
    expect(refused).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/may not write to octo\/app/) },
    });
    const anonymous = await tools.call("dispatch_workflow", deploy, { "x-openwebui-chat-id": "alices-chat" });
    expect(anonymous).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/Not allowed to write to octo\/app/) },
    });
    expect(tools.github.requests.length).toBe(reads);
    // Nor may they spend a writer's token.
    const token = await confirmationFor(deploy);
    const before = dispatchRequests();
    for (const headers of [reader, { "x-openwebui-chat-id": "alices-chat" }]) {
      const { status } = await tools.call("dispatch_workflow", { ...deploy, confirmation_token: token }, headers);
      expect(status).toBe(403);
    }
    expect(dispatchRequests()).toBe(before);
  });

  it("refuses a workflow the deployment does not list, and every workflow where it lists none", async () => {
    const before = tools.github.requests.length;
    const notListed = await tools.call("dispatch_workflow", { ...app, workflow: "cleanup.yml", ref: "main" }, alice);
    expect(notListed.status).toBe(403);
    expect(notListed.body.detail).toMatch(/may be run from a chat: deploy\.yml\. cleanup\.yml is not one of them/);
    expect(tools.github.requests.length).toBe(before);
    const bare = await startToolTestServer({ userJwtSecret, people });
    try {
      bare.github.addFile({ ...app, path: ".github/workflows/deploy.yml", content: deployWorkflow });
      const none = await bare.call("dispatch_workflow", deploy, alice);
      expect(none).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/lets nobody run workflows/) } });
      expect(bare.github.requests).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it("checks the inputs against the workflow file before asking GitHub to run it", async () => {
    const before = dispatchRequests();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { environment: "staging", color: "red" },
        /unknown inputs color \(declared: environment, dry_run, replicas, note\)/,
      ],
      [{ dry_run: false }, /input environment is required/],
      [{ environment: "qa" }, /input environment must be one of staging, production, got "qa"/],
      [{ environment: "staging", dry_run: "yes" }, /input dry_run must be true or false/],
      [{ environment: "staging", replicas: "many" }, /input replicas must be a number/],
      [{ environment: "staging", note: 5 }, /input note must be text/],
    ];
    for (const [inputs, message] of cases) {
      const { status, body } = await tools.call("dispatch_workflow", { ...deploy, inputs }, alice);
      expect(status).toBe(422);
      expect(body.detail).toMatch(message);
    }
    const noTrigger = { ...app, path: ".github/workflows/deploy.yml", content: "on: push\n", ref: "push-only" };
    tools.github.addFile(noTrigger);
    const pushOnly = await tools.call("dispatch_workflow", { ...deploy, ref: "push-only" }, alice);
    expect(pushOnly).toMatchObject({ status: 422, body: { detail: expect.stringMatching(/no workflow_dispatch/) } });
    const missingRef = await tools.call("dispatch_workflow", { ...deploy, ref: "nope" }, alice);
    expect(missingRef).toMatchObject({ status: 404, body: { detail: expect.stringMatching(/deploy\.yml at nope/) } });
    expect(dispatchRequests()).toBe(before);
  });

  it("in a relay run, dispatches a workflow its rule names at once, and nothing else", async () => {
    const run = { "x-openwebui-chat-id": "run-with-deploy", ...relay };
    const before = tools.github.dispatches().length;
    const direct = await tools.call("dispatch_workflow", { ...deploy, inputs: { environment: "production" } }, run);
    expect(direct).toMatchObject({
      status: 200,
      body: { status: "dispatched", inputs: { environment: "production" } },
    });
    expect(tools.github.dispatches()).toHaveLength(before + 1);
    const requests = dispatchRequests();
    const other = await tools.call("dispatch_workflow", { ...app, workflow: "cleanup.yml", ref: "main" }, run);
    expect(other).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/only these workflows: deploy/) },
    });
    const elsewhere = await tools.call("dispatch_workflow", { ...deploy, repo: "other" }, run);
    expect(elsewhere).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/only run workflows in octo\/app/) },
    });
    const none = await tools.call("dispatch_workflow", deploy, {
      "x-openwebui-chat-id": "run-without-workflows",
      ...relay,
    });
    expect(none).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/its rule allows none/) } });
    // Without a chat id nothing is a run: the relay's account alone has no write, a writer needs the chat id.
    const relayNoChat = await tools.call("dispatch_workflow", deploy, relay);
    expect(relayNoChat.status).toBe(403);
    const noChat = await tools.call("dispatch_workflow", deploy, await as(writers[0]!));
    expect(noChat).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/X-OpenWebUI-Chat-Id/) } });
    expect(dispatchRequests()).toBe(requests);
  });

  it("stops start-up on a confirmation key shorter than 32 bytes", () => {
    const settings = { workflows: ["deploy.yml"], confirmationKey: randomBytes(16) };
    expect(() => checkWorkflowDispatchSettings(settings)).toThrow(/confirmation key must be at least 32 bytes/);
    expect(checkWorkflowDispatchSettings({ ...settings, confirmationKey: randomBytes(32) }).workflows).toEqual([
      "deploy.yml",
    ]);
  });
});
