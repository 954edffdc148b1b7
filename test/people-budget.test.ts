import { afterAll, beforeAll, expect, it } from "vitest";
import type { PeoplePolicy } from "../config/people-schema.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { startToolServerFor } from "./support/start-services.ts";
import { signUserJwt, type OpenWebUIUser } from "./support/user-jwt.ts";
import { recordRelayRun } from "./support/record-relay-run.ts";

const apiKey = "tool-server-key-for-budget-0123";
const jwtSecret = "open-webui-forward-secret-budget-9d2b";
const person = (id: string): OpenWebUIUser => ({ id, email: `${id}@example.com`, name: id, role: "user" });
const relayAccount = person("relay-account");
const policy: PeoplePolicy = { default: "write", grants: [], comments_per_hour: 1, attribution: false };
let github: GitHubStandIn;
let stores: RelayStores;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  github = await startGitHubStandIn();
  for (const number of [1, 2]) github.addIssue({ owner: "octo", repo: "app", number, title: `#${number}`, body: "x" });
  stores = await openSqliteRelayStores({ dataDir: ":memory:" });
  await recordRelayRun(stores, {
    ...{ chatId: "chat-of-run", deliveryId: "run", owner: "octo", repo: "app", issueNumber: 2 },
    userId: relayAccount.id,
  });
  const env = {
    TOOL_SERVER_PORT: "0",
    TOOL_SERVER_API_KEY: apiKey,
    GITHUB_TOKEN: "ghp_standin_token_0123456789",
    GITHUB_API_URL: github.url,
    GITHUB_REPOS: "octo/app",
    OPENWEBUI_USER_JWT_SECRET: jwtSecret,
    GITHUB_COMMENT_BUDGET_WAIT_MS: "100",
    TOOL_SERVER_COMMENT_BUDGET_WAIT_MS: "100",
  };
  server = await startToolServerFor(env, stores, {
    github: { retry: { retries: 0, baseDelayMs: 5 }, pacing: { writeMs: 5, notificationMs: 5 } },
    // The token's budget: four comments a minute; people together may take half of it.
    commentLimits: [{ max: 4, windowMs: 60_000 }],
    people: () => policy,
  });
});

afterAll(async () => {
  await server.close();
  await stores.close();
  await github.close();
});

async function comment(as: OpenWebUIUser, chatId: string, issue: number) {
  const response = await fetch(`${server.url}/post_issue_comment`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${apiKey}`,
      "x-openwebui-chat-id": chatId,
      "x-openwebui-user-jwt": await signUserJwt(jwtSecret, as),
    },
    body: JSON.stringify({ owner: "octo", repo: "app", issue_number: issue, body: `From ${as.id}.` }),
  });
  return { status: response.status, detail: ((await response.json()) as { detail?: string }).detail };
}

it("one person cannot use up the comment budget for everyone: each has comments_per_hour, and relay runs keep a share", async () => {
  expect((await comment(person("mia"), "mias-chat", 1)).status).toBe(200);
  const again = await comment(person("mia"), "mias-chat", 1);
  expect(again.status).toBe(429);
  expect(again.detail).toMatch(/posted the 1 comments a person may post per hour.*again in about \d+ minute/);
  // Another person still may, until people's share (half of the token's four) is taken.
  expect((await comment(person("ada"), "adas-chat", 1)).status).toBe(200);
  const third = await comment(person("bob"), "bobs-chat", 1);
  expect(third.status).toBe(429);
  expect(third.detail).toMatch(/People's share .* kept for automated issue analyses/);
  expect(github.comments("octo", "app", 1)).toHaveLength(2);
  // The relay's run still comments on its issue.
  expect((await comment(relayAccount, "chat-of-run", 2)).status).toBe(200);
  expect(github.comments("octo", "app", 2)).toHaveLength(1);
});
