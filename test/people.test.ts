import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PeoplePolicy } from "../config/people-schema.ts";
import { createLogger } from "../lib/logger.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { startOpenWebUIGroups } from "./support/open-webui-groups.ts";
import { startToolServerFor } from "./support/start-services.ts";
import { signUserJwt, type OpenWebUIUser } from "./support/user-jwt.ts";
import { recordRelayRun } from "./support/record-relay-run.ts";

// Issue 12's findings, each tried as an attacker would against the tool server.
const apiKey = "tool-server-key-for-people-0123";
const jwtSecret = "open-webui-forward-secret-people-4e7d";
const adminKey = "owui-admin-key-for-groups-0123";
const user = (id: string, name: string, role: "user" | "admin" = "user"): OpenWebUIUser => ({
  id,
  email: `${id}@example.com`,
  name,
  role,
});
const relayAccount = user("relay-account", "Relay");
const mia = user("mia", "Mia Maintainer");
const rita = user("rita", "Rita Reader");
const uma = user("uma", "Mia Maintainer"); // a display name anyone can choose
const policy: PeoplePolicy = {
  default: "none",
  grants: [
    { group: "maintainers", repos: ["octo/*"], access: "write" },
    { group: "readers", repos: ["octo/app"], access: "read" },
  ],
  comments_per_hour: 20,
  attribution: true,
};

describe("people through the tool server", () => {
  let github: GitHubStandIn;
  let stores: RelayStores;
  let groups: Awaited<ReturnType<typeof startOpenWebUIGroups>>;
  let server: { url: string; close(): Promise<void> };
  const logs: string[] = [];

  beforeAll(async () => {
    github = await startGitHubStandIn();
    github.addIssue({ owner: "octo", repo: "app", number: 1, title: "Public bug", body: "x" });
    github.addIssue({ owner: "octo", repo: "private", number: 1, title: "Secret plans", body: "confidential" });
    groups = await startOpenWebUIGroups(adminKey, { mia: ["maintainers"], rita: ["readers"] });
    stores = await openSqliteRelayStores({ dataDir: ":memory:" });
    const env = {
      TOOL_SERVER_PORT: "0",
      TOOL_SERVER_API_KEY: apiKey,
      GITHUB_TOKEN: "ghp_standin_token_0123456789",
      GITHUB_API_URL: github.url,
      GITHUB_REPOS: "octo/app,octo/private",
      OPENWEBUI_USER_JWT_SECRET: jwtSecret,
      OPENWEBUI_URL: groups.url,
      OPENWEBUI_GROUPS_API_KEY: adminKey,
    };
    server = await startToolServerFor(env, stores, {
      github: { retry: { retries: 0, baseDelayMs: 5 }, pacing: { writeMs: 5, notificationMs: 5 } },
      people: () => policy,
      logger: createLogger({ level: "debug", write: (line) => logs.push(line) }),
    });
  });

  afterAll(async () => {
    await server.close();
    await stores.close();
    await groups.close();
    await github.close();
  });

  afterEach(() => {
    expect(github.unexpected).toEqual([]);
    expect(groups.unexpected).toEqual([]);
  });

  async function call(tool: string, body: object, as: OpenWebUIUser | null, headers: Record<string, string> = {}) {
    const response = await fetch(`${server.url}/${tool}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${apiKey}`,
        ...(as ? { "x-openwebui-user-jwt": await signUserJwt(jwtSecret, as) } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { detail?: string; updated?: boolean } };
  }
  const privateIssue = { owner: "octo", repo: "private", issue_number: 1 };

  it("a person no grant covers reads nothing of a private repository, and GitHub is not asked", async () => {
    const before = github.requests.length;
    const refused = await call("get_issue", privateIssue, rita);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/may not read octo\/private.*administrator grants access/);
    expect(refused.body.detail).not.toMatch(/octo\/app/);
    expect(github.requests.length).toBe(before);
    // A grant is what opens it: the maintainer reads it, the reader reads the repository granted to them.
    expect((await call("get_issue", privateIssue, mia)).status).toBe(200);
    expect((await call("get_issue", { owner: "octo", repo: "app", issue_number: 1 }, rita)).status).toBe(200);
    // Groups come from Open WebUI's admin API for the verified user, never from the caller.
    expect((await call("get_issue", privateIssue, rita, { "x-openwebui-user-groups": "maintainers" })).status).toBe(
      403,
    );
    // Asked once, then kept a while: three calls of rita's, one question to Open WebUI.
    expect(groups.asked.filter((id) => id === "rita")).toEqual(["rita"]);
  });

  it("a person may only read where the policy says read, and comment where it says write", async () => {
    const issue = { owner: "octo", repo: "app", issue_number: 1, body: "Confirmed." };
    const chat = { "x-openwebui-chat-id": "a-persons-chat" };
    const reader = await call("post_issue_comment", issue, rita, chat);
    expect(reader.status).toBe(403);
    expect(reader.body.detail).toMatch(/may not write to octo\/app/);
    expect((await call("post_issue_comment", issue, mia, chat)).status).toBe(200);
    const posted = github.comments("octo", "app", 1).at(-1)!;
    expect(posted.body).toMatch(/^Confirmed\.\n\n---\n\*Asked by `Mia Maintainer` through Open WebUI\*/);
    // The write is logged with the verified user id, what and where, and the comment's address.
    const line = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === "person comment posted");
    expect(line).toMatchObject({ userId: "mia", issue: "octo/app#1", url: posted.html_url, commentId: posted.id });
  });

  it("takes no display name for identity: neither a plain name header nor a signed one that copies another's", async () => {
    const before = github.allComments().length;
    logs.length = 0;
    const issue = { owner: "octo", repo: "app", issue_number: 1, body: "I am the maintainer." };
    const chat = { "x-openwebui-chat-id": "a-persons-chat" };
    const plain = { "x-openwebui-user-name": "Mia Maintainer", "x-openwebui-user-id": "mia", ...chat };
    const anonymous = await call("post_issue_comment", issue, null, plain);
    expect(anonymous.status).toBe(403);
    expect(anonymous.body.detail).toMatch(/did not say who is asking/);
    expect((await call("post_issue_comment", issue, uma, chat)).status).toBe(403);
    expect(github.allComments().length).toBe(before);
    // The logs name callers by verified user id only.
    const calls = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "tool call");
    expect(calls.map((l) => l.userId)).toEqual([null, "uma"]);
    expect(logs.join("\n")).not.toContain("Mia Maintainer");
  });

  it("a forged or expired token is refused, even for reading", async () => {
    const issue = { owner: "octo", repo: "app", issue_number: 1 };
    const forged = { "x-openwebui-user-jwt": await signUserJwt("not-the-secret-0123456789abcdef", mia) };
    const bad = await call("get_issue", issue, null, forged);
    expect(bad.status).toBe(403);
    expect(bad.body.detail).toMatch(/not valid for this tool server/);
    const old = await signUserJwt(jwtSecret, mia, { now: Math.floor(Date.now() / 1000) - 3600 });
    const expired = await call("get_issue", issue, null, { "x-openwebui-user-jwt": old });
    expect(expired.body.detail).toMatch(/has expired/);
  });

  describe("a relay run's chat id", () => {
    beforeAll(async () => {
      await recordRelayRun(stores, {
        ...{ chatId: "chat-of-run", deliveryId: "run", owner: "octo", repo: "app", issueNumber: 1 },
        userId: relayAccount.id,
      });
    });
    const analysis = (body: string) => ({ owner: "octo", repo: "app", issue_number: 1, body });
    const runChat = { "x-openwebui-chat-id": "chat-of-run" };
    const runComment = () => github.comments("octo", "app", 1).find((c) => c.body.includes("delivery=run"));

    it("works for the relay's own account while the run lasts", async () => {
      const first = await call("post_issue_comment", analysis("The analysis."), relayAccount, runChat);
      expect(first).toMatchObject({ status: 200, body: { updated: false } });
      expect(runComment()!.body).toMatch(/The analysis\./);
    });

    it("reused with the tool key, by another person, or after the run finished, changes nothing", async () => {
      for (const as of [null, mia]) {
        const answer = await call("post_issue_comment", analysis("Rewritten by an attacker."), as, runChat);
        expect(answer.status).toBe(403);
        expect(answer.body.detail).toMatch(/another account.*nothing was changed/);
      }
      await stores.runs.finish("chat-of-run");
      const late = await call("post_issue_comment", analysis("Rewritten late."), relayAccount, runChat);
      expect(late.status).toBe(403);
      expect(late.body.detail).toMatch(/has ended.*nothing was changed/);
      expect((await call("get_issue", privateIssue, relayAccount, runChat)).status).toBe(403);
      expect(runComment()!.body).toMatch(/The analysis\./);
      expect(runComment()!.body).not.toMatch(/Rewritten/);
      // The attempts are logged, with who tried by verified user id.
      const refusals = logs
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.msg === "tool call refused: not this run's");
      expect(refusals.map((l) => l.userId)).toEqual([null, "mia", "relay-account", "relay-account"]);
    });
  });
});
