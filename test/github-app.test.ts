import { deploymentSecrets } from "../deployment/deployment-secrets.ts";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { analystScript } from "../stand-ins/model-scripts.ts";
import { deliver, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import {
  deliveryOutcome,
  startSystem,
  systemUserJwtSecret,
  toolServerKey,
  webhookSecret,
  type System,
} from "./support/system.ts";
import { signUserJwt } from "./support/user-jwt.ts";
import type { PeoplePolicy } from "../config/people-schema.ts";
import type { WriteLimit } from "../store/coordination.ts";
import { acknowledgedByDeadRelay } from "./support/dead-relay.ts";
import type { ModelScript } from "../stand-ins/scripted-model.ts";
import type { StandInApp } from "../stand-ins/github-stand-in.ts";

// One key for the file: generating RSA keys is slow on a shared machine.
const { publicKey, privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const appId = 424242;
const slug = "issue-analyst";
const bot = `${slug}[bot]`;
// As an .env file holds it: one line, \n escaped. No GITHUB_TOKEN: exactly one mode.
const appEnv = {
  GITHUB_TOKEN: "",
  GITHUB_APP_ID: String(appId),
  GITHUB_APP_PRIVATE_KEY: privateKey.replace(/\n/g, "\\n"),
};
const installations = [{ id: 77001, account: "Codertocat", repositories: ["Codertocat/Hello-World"] }];

function startAppSystem(
  options: {
    script?: ModelScript;
    tokenTtlMs?: number;
    relayEnv?: Record<string, string>;
    env?: Record<string, string>;
    installations?: StandInApp["installations"];
    commentLimits?: WriteLimit[];
    people?: PeoplePolicy;
  } = {},
) {
  return startSystem({
    ...(options.people ? { people: options.people } : {}),
    ...(options.script ? { script: options.script } : {}),
    env: { ...appEnv, ...options.env },
    ...(options.relayEnv ? { relayEnv: options.relayEnv } : {}),
    ...(options.commentLimits ? { commentLimits: options.commentLimits } : {}),
    githubOptions: {
      app: {
        id: appId,
        publicKey,
        slug,
        installations: options.installations ?? installations,
        ...(options.tokenTtlMs ? { tokenTtlMs: options.tokenTtlMs } : {}),
      },
    },
  });
}

describe("running as a GitHub App", () => {
  let system: System;

  afterEach(async () => {
    expect(system.github.unexpected).toEqual([]);
    expect(system.model.errors).toEqual([]);
    expect(system.logs.join("\n")).not.toContain("PRIVATE KEY");
    await system.close();
  });

  async function open(payload = issuesOpened()) {
    const response = await deliver(system.webhookUrl, { event: "issues", payload, secret: webhookSecret });
    expect(response.status).toBe(202);
    return response.deliveryId;
  }

  const finished = (deliveryId: string) => deliveryOutcome(system.stores, deliveryId);

  /** An installation token from the stand-in, asked for with the app's JWT as the services ask. */
  async function issueToken(): Promise<string> {
    const { createAppAuth } = await import("@octokit/auth-app");
    const { token: appJwt } = await createAppAuth({ appId, privateKey })({ type: "app" });
    const issued = await fetch(`${system.github.url}/app/installations/${installations[0]!.id}/access_tokens`, {
      method: "POST",
      headers: { authorization: `bearer ${appJwt}`, "user-agent": "test" },
    });
    expect(issued.status).toBe(201);
    return ((await issued.json()) as { token: string }).token;
  }

  const readIssueWith = (token: string, path = "/repos/Codertocat/Hello-World/issues/1") =>
    fetch(`${system.github.url}${path}`, { headers: { authorization: `token ${token}`, "user-agent": "test" } });

  it("the whole loop: the model's comment appears as the app's bot, with a token narrowed to the repository and to issues", async () => {
    system = await startAppSystem({ script: analystScript(() => "Analysed by the app.") });
    system.github.addIssueFromPayload(issuesOpened());
    const record = await finished(await open());

    expect(record).toMatchObject({ status: "done", reason: "commented by the model" });
    const comments = system.github.comments("Codertocat", "Hello-World", 1);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.user).toEqual({ login: bot, type: "Bot" });
    expect(comments[0]!.body).toContain("Analysed by the app.");

    const tokenRequests = system.github.requests.filter(
      (r) => r.path === `/app/installations/${installations[0]!.id}/access_tokens`,
    );
    expect(tokenRequests.length).toBeGreaterThanOrEqual(1);
    for (const request of tokenRequests) {
      expect(request.status).toBe(201);
      expect(request.body).toEqual({
        repositories: ["Hello-World"],
        permissions: { issues: "write", metadata: "read" },
      });
      expect(String(request.headers.authorization)).toMatch(/^bearer eyJ/i);
    }
    // Repository calls go out with installation tokens, never the JWT or a personal token.
    const repoCalls = system.github.requests.filter((r) => r.path.startsWith("/repos/Codertocat/Hello-World/issues"));
    expect(repoCalls.length).toBeGreaterThan(0);
    for (const call of repoCalls) expect(String(call.headers.authorization)).toMatch(/^token ghs_/);
    // Tokens are cached: the relay and the tool server each ask at most once per repository.
    expect(tokenRequests.length).toBeLessThanOrEqual(2);
  });

  it("asks for the permissions the tools use within what the installation was granted, never more", async () => {
    const granted = {
      issues: "write",
      metadata: "read",
      contents: "read",
      pull_requests: "read",
      actions: "write",
      administration: "write",
    } as const;
    system = await startAppSystem({
      script: analystScript(() => "Analysed with a wider installation."),
      installations: [{ ...installations[0]!, permissions: granted }],
    });
    system.github.addIssueFromPayload(issuesOpened());
    expect(await finished(await open())).toMatchObject({ status: "done", reason: "commented by the model" });
    const tokenRequests = system.github.requests.filter((r) => r.path.endsWith("/access_tokens"));
    expect(tokenRequests.length).toBeGreaterThanOrEqual(1);
    for (const request of tokenRequests) {
      expect(request.status).toBe(201);
      // Contents for the repository's own config file, pull requests only as granted (read), no administration.
      expect((request.body as { permissions: unknown }).permissions).toEqual({
        issues: "write",
        metadata: "read",
        pull_requests: "read",
        contents: "read",
        actions: "write",
      });
    }
  });

  it("the relay's fallback comment is posted as the app's bot too", async () => {
    system = await startAppSystem({ script: () => ({ content: "The relay posts this answer itself." }) });
    system.github.addIssueFromPayload(issuesOpened());
    const record = await finished(await open());

    expect(record).toMatchObject({ status: "done", reason: "answer posted by the relay (fallback)" });
    const comments = system.github.comments("Codertocat", "Hello-World", 1);
    expect(comments.map((c) => c.user.login)).toEqual([bot]);
    expect(comments[0]!.body).toContain("The relay posts this answer itself.");
  });

  it("ignores a delivery sent by the app's own bot (loop guard), knowing the bot's login from GET /app", async () => {
    system = await startAppSystem({ script: analystScript(() => "must not run") });
    system.github.addIssueFromPayload(issuesOpened());
    // The type is what GitHub sends for bots; the login check must hold even without it.
    const record = await finished(await open(issuesOpened({ senderLogin: bot, senderType: "User" })));
    await system.relayIdle();

    expect(record.status).toBe("ignored");
    expect(record.reason).toContain(`${bot} is this relay's own account`);
    expect(system.github.comments("Codertocat", "Hello-World", 1)).toEqual([]);
    expect(system.model.requests).toEqual([]);
    expect(system.github.requests.some((r) => r.path === "/app" && r.status === 200)).toBe(true);
  });

  it("a retried delivery finds its earlier comment only among the bot's comments, not in a copy someone else posted", async () => {
    system = await startAppSystem({ script: analystScript(() => "The real analysis.") });
    system.github.addIssueFromPayload(issuesOpened());
    // Someone pastes a marker into a comment: the run must not take it for its own and stop.
    const deliveryId = "11111111-2222-3333-4444-555555555555";
    system.github.addComment({
      owner: "Codertocat",
      repo: "Hello-World",
      issue_number: 1,
      body: `fake <!-- openwebui-github:delivery=${deliveryId} -->`,
      user: { login: "mallory" },
    });
    const response = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
      deliveryId,
    });
    expect(response.status).toBe(202);
    const record = await finished(deliveryId);

    expect(record).toMatchObject({ status: "done", reason: "commented by the model" });
    const comments = system.github.comments("Codertocat", "Hello-World", 1);
    expect(comments.map((c) => c.user.login)).toEqual(["mallory", bot]);
    expect(comments[0]!.body).toBe(`fake <!-- openwebui-github:delivery=${deliveryId} -->`);
  });

  it("refreshes installation tokens that expired (the cache alone would keep using them)", async () => {
    // Tokens live 1.5 s; the refresh margin is a minute, so every use asks for a fresh one.
    system = await startAppSystem({ script: analystScript(() => "Fresh token."), tokenTtlMs: 1_500 });
    system.github.addIssueFromPayload(issuesOpened({ number: 1 }));
    system.github.addIssueFromPayload(issuesOpened({ number: 2 }));
    expect((await finished(await open(issuesOpened({ number: 1 })))).status).toBe("done");
    // A token issued after the services' own expires after theirs: once it is refused, theirs are expired too.
    const probe = await issueToken();
    await waitFor(
      async () => (await readIssueWith(probe)).status === 401,
      "the tokens issued so far to expire",
      10_000,
    );
    const before = system.github.installationTokensIssued;
    expect((await finished(await open(issuesOpened({ number: 2 })))).status).toBe("done");

    expect(system.github.installationTokensIssued).toBeGreaterThan(before);
    expect(system.github.comments("Codertocat", "Hello-World", 2).map((c) => c.user.login)).toEqual([bot]);
    // No call of the services was refused for an expired token (the probe's were, on purpose).
    expect(
      system.github.requests.filter((r) => r.status === 401 && r.headers.authorization !== `token ${probe}`),
    ).toEqual([]);
  });

  it("a revoked installation token gets one fresh token and the call goes through", async () => {
    system = await startAppSystem({ script: analystScript(() => "After revocation.") });
    system.github.addIssueFromPayload(issuesOpened({ number: 1 }));
    system.github.addIssueFromPayload(issuesOpened({ number: 2 }));
    expect((await finished(await open(issuesOpened({ number: 1 })))).status).toBe("done");
    system.github.revokeInstallationTokens();
    const before = system.github.installationTokensIssued;
    expect((await finished(await open(issuesOpened({ number: 2 })))).status).toBe("done");

    expect(system.github.comments("Codertocat", "Hello-World", 2).map((c) => c.user.login)).toEqual([bot]);
    // Each service met the revoked token once at most, then asked for a fresh one.
    const refused = system.github.requests.filter((r) => r.status === 401);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThanOrEqual(2);
    expect(system.github.installationTokensIssued - before).toBe(refused.length);
  });

  it("counts the comment budget per installation: one installation's used-up budget holds its own comments back, not another's", async () => {
    const spoon = { owner: "Codertocat", repo: "Spoon-Knife" };
    system = await startAppSystem({
      script: analystScript(() => "Analysed."),
      installations: [
        installations[0]!,
        { id: 77002, account: "Codertocat", repositories: ["Codertocat/Spoon-Knife"] },
      ],
      // Two comments a minute per budget; a person waits 50 ms for a slot, then is told to come back.
      commentLimits: [{ max: 2, windowMs: 60_000 }],
      env: { TOOL_SERVER_COMMENT_BUDGET_WAIT_MS: "50" },
      // People may write; together they get half of each installation's budget (one of the two).
      people: { default: "write", grants: [], comments_per_hour: 20, attribution: false },
    });
    const person = { id: "user-ada", email: "ada@example.com", name: "Ada", role: "user" as const };
    for (const number of [1, 2, 3]) {
      system.github.addIssueFromPayload(issuesOpened({ number }));
      system.github.addIssueFromPayload(issuesOpened({ ...spoon, number }));
    }
    /** A person's comment through the tool server (a chat that is no relay run). */
    const personComments = async (owner: string, repo: string) =>
      fetch(`${system.toolServerUrl}/post_issue_comment`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${toolServerKey}`,
          "x-openwebui-chat-id": "a-persons-chat",
          "x-openwebui-user-jwt": await signUserJwt(systemUserJwtSecret, person),
        },
        body: JSON.stringify({ owner, repo, issue_number: 1, body: "From a person." }),
      });

    // Installation 77001 (Hello-World) spends its two: a run's comment and a person's.
    expect((await finished(await open(issuesOpened({ number: 1 })))).status).toBe("done");
    expect((await personComments("Codertocat", "Hello-World")).status).toBe(200);
    const refused = await personComments("Codertocat", "Hello-World");
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { detail: string }).detail).toContain("installation:77001");

    // Installation 77002 (Spoon-Knife) still has both of its own.
    expect((await personComments(spoon.owner, spoon.repo)).status).toBe(200);
    // Two of Hello-World's issues queued ahead of one of Spoon-Knife's; the worker, restarted, polls
    // only every ten minutes: Spoon-Knife's run must not wait behind Hello-World's used-up budget.
    await system.stopRelay();
    const [waiting, alsoWaiting, spoonRun] = await acknowledgedByDeadRelay(system.stores.deliveries, [
      issuesOpened({ number: 2 }),
      issuesOpened({ number: 3 }),
      issuesOpened({ ...spoon, number: 2 }),
    ]);
    await system.startRelay({ RELAY_POLL_INTERVAL_MS: "600000" });
    expect(await finished(spoonRun!)).toMatchObject({ status: "done", reason: "commented by the model" });
    expect(system.github.comments(spoon.owner, spoon.repo, 2).map((c) => c.user.login)).toEqual([bot]);
    // Hello-World's issues wait for their installation's budget, their attempts not counted.
    for (const deliveryId of [waiting!, alsoWaiting!]) {
      const held = await system.stores.deliveries.findByDeliveryId(deliveryId);
      expect(held).toMatchObject({ status: "pending", attempts: 0 });
      expect(held!.nextAttemptAt).toBeGreaterThan(Date.now());
    }
    expect(system.github.comments("Codertocat", "Hello-World", 2)).toEqual([]);
    expect(system.github.comments("Codertocat", "Hello-World", 1)).toHaveLength(2);
    // Naming a repository's budget reuses the installation lookup its tokens need: one per service
    // (the tool server, and the restarted relay) for Spoon-Knife, not one more for the budget.
    const lookups = system.github.requests.filter((r) => r.path === "/repos/Codertocat/Spoon-Knife/installation");
    expect(lookups).toHaveLength(2);
  });

  it("a repository where the app is not installed: a run fails with the message to install the app there before asking the model, and the tool says the same", async () => {
    // octo/app is allowed by GITHUB_REPOS, but no installation covers it.
    system = await startAppSystem();
    system.github.addIssueFromPayload(issuesOpened({ owner: "octo", repo: "app", number: 5 }));
    const record = await finished(await open(issuesOpened({ owner: "octo", repo: "app", number: 5 })));
    // The run's first GitHub request (the repository's own config file) finds no installation.
    expect(record.status).toBe("failed");
    expect(record.reason).toContain("install the app on that repository");
    expect(system.model.requests).toEqual([]);

    const call = await fetch(`${system.toolServerUrl}/get_issue`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${toolServerKey}` },
      body: JSON.stringify({ owner: "octo", repo: "app", issue_number: 5 }),
    });
    expect(call.status).toBe(403);
    expect(await call.text()).toContain("The GitHub App is not installed on octo/app");
    expect(system.github.allComments()).toEqual([]);
  });

  it("an installation token cannot be used on a repository outside its installation, and a token past its expiry is refused (stand-in strictness)", async () => {
    system = await startAppSystem({ tokenTtlMs: 300 });
    system.github.addIssue({ owner: "octo", repo: "app", number: 1, title: "t", body: null });
    const token = await issueToken();
    // Valid, but not for a repository outside the installation.
    expect((await readIssueWith(token, "/repos/octo/app/issues/1")).status).toBe(403);
    await waitFor(
      async () => (await readIssueWith(token)).status === 401,
      "the token to be refused once expired",
      5_000,
    );
    // A JWT signed with another key is refused.
    const { createAppAuth } = await import("@octokit/auth-app");
    const other = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const stranger = createAppAuth({ appId, privateKey: other.privateKey });
    const { token: jwt } = await stranger({ type: "app" });
    expect(
      (await fetch(`${system.github.url}/app`, { headers: { authorization: `bearer ${jwt}`, "user-agent": "test" } }))
        .status,
    ).toBe(401);
  });
});

describe("GitHub App configuration", () => {
  const base = {
    GITHUB_WEBHOOK_SECRET: "whsec-github-app-tests-0123",
    GITHUB_REPOS: "a/b",
    OPENWEBUI_URL: "http://x",
    OPENWEBUI_API_KEY: "k",
    TOOL_SERVER_API_KEY: "0123456789abcdef0123",
  };

  it("takes the key inline with \\n escapes or from GITHUB_APP_PRIVATE_KEY_FILE, for both services", () => {
    const dir = mkdtempSync(join(tmpdir(), "app-key-"));
    try {
      const file = join(dir, "app.pem");
      writeFileSync(file, privateKey);
      const fromFile = loadToolServerConfig({ ...base, GITHUB_APP_ID: "12", GITHUB_APP_PRIVATE_KEY_FILE: file });
      expect(fromFile.github.app).toEqual({ id: 12, privateKey });
      expect(fromFile.github.token).toBe("");
      const inline = loadRelayConfig({ ...base, ...appEnv });
      expect(inline.github.app).toEqual({ id: appId, privateKey });
      expect(deploymentSecrets({ ...base, ...appEnv })).toContain(privateKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a non-numeric app id, a bad key, both modes and neither, naming the variables and never echoing the key", () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadRelayConfig({ ...base, ...env });
      } catch (error) {
        return String((error as Error).message);
      }
      return "";
    };
    expect(problems({ GITHUB_APP_ID: "my-app", GITHUB_APP_PRIVATE_KEY: appEnv.GITHUB_APP_PRIVATE_KEY })).toMatch(
      /GITHUB_APP_ID must be the app's numeric id/,
    );
    const badKey = "-----BEGIN RSA PRIVATE KEY-----\\nnot-a-key\\n-----END RSA PRIVATE KEY-----";
    const bad = problems({ GITHUB_APP_ID: "12", GITHUB_APP_PRIVATE_KEY: badKey });
    expect(bad).toMatch(/GITHUB_APP_PRIVATE_KEY is not an RSA private key in PEM form/);
    expect(bad).not.toContain("not-a-key");
    expect(problems({ GITHUB_APP_ID: "12", GITHUB_APP_PRIVATE_KEY: "abc" })).toMatch(
      /GITHUB_APP_PRIVATE_KEY is not an RSA private key/,
    );
    expect(problems({ GITHUB_APP_ID: "12" })).toMatch(/GITHUB_APP_PRIVATE_KEY is missing/);
    expect(problems({ GITHUB_APP_ID: "12", GITHUB_APP_PRIVATE_KEY_FILE: "/nonexistent/app.pem" })).toMatch(
      /GITHUB_APP_PRIVATE_KEY_FILE cannot be read \(ENOENT\)/,
    );
    expect(problems({ ...appEnv, GITHUB_TOKEN: "ghp_x" })).toMatch(/GITHUB_TOKEN and GITHUB_APP_ID are both set/);
    expect(problems({ ...appEnv, GITHUB_HOOK_ID: "7", GITHUB_HOOK_REPO: "a/b" })).toMatch(
      /GITHUB_HOOK_ID and GITHUB_HOOK_REPO are for a repository webhook with GITHUB_TOKEN/,
    );
    expect(problems({})).toMatch(
      /GITHUB_TOKEN is missing: .* or run as a GitHub App with GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/,
    );
    expect(() => loadToolServerConfig({ ...base })).toThrowError(/GITHUB_TOKEN is missing/);
  });
});
