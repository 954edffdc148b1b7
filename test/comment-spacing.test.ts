import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { startToolServerFor } from "./support/start-services.ts";

const apiKey = "tool-server-key-for-tests-0123";
const spacingMs = 800;
let github: GitHubStandIn;
const opened: Array<{ close(): Promise<unknown> | unknown }> = [];
let dataDir: string;

afterEach(async () => {
  expect(github.unexpected).toEqual([]);
  for (const thing of opened.reverse()) await thing.close();
  opened.length = 0;
  rmSync(dataDir, { recursive: true, force: true });
});

it("spaces new comments from two processes on one store as one pace, GitHub's gap between each", async () => {
  github = await startGitHubStandIn();
  opened.push(github);
  github.addIssue({ owner: "octo", repo: "app", number: 1, title: "One", body: "x" });
  dataDir = mkdtempSync(join(tmpdir(), "spacing-"));
  // When each comment left for GitHub, whichever tool server sent it.
  const sent: number[] = [];
  const recording: typeof fetch = (input, init) => {
    if (init?.method === "POST" && String(input instanceof Request ? input.url : input).endsWith("/comments"))
      sent.push(performance.now());
    return fetch(input, init);
  };
  const env = {
    TOOL_SERVER_PORT: "0",
    TOOL_SERVER_API_KEY: apiKey,
    GITHUB_TOKEN: "ghp_standin_token_0123456789",
    GITHUB_API_URL: github.url,
    GITHUB_REPOS: "octo/app",
    // A person's comments: someone the deployment trusts the plain headers of, and may write.
    TRUST_OPENWEBUI_USER_HEADERS: "true",
  };
  // Two tool servers, each with its own stores on the file and its own in-process pacer, as two processes would.
  const servers = [];
  for (let i = 0; i < 2; i++) {
    const stores: RelayStores = await openSqliteRelayStores({ dataDir });
    opened.push(stores);
    const server = await startToolServerFor(env, stores, {
      github: {
        retry: { retries: 1, baseDelayMs: 5 },
        pacing: { writeMs: 5, notificationMs: spacingMs },
      },
      fetch: recording,
      people: () => ({ default: "write", grants: [], comments_per_hour: 20, attribution: false }),
    });
    opened.push(server);
    servers.push(server);
  }
  const post = (url: string, text: string) =>
    fetch(`${url}/post_issue_comment`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${apiKey}`,
        "x-openwebui-chat-id": "chat",
        "x-openwebui-user-id": "ada",
      },
      body: JSON.stringify({ owner: "octo", repo: "app", issue_number: 1, body: text }),
    });
  const answers = await Promise.all([
    post(servers[0]!.url, "first"),
    post(servers[1]!.url, "second"),
    post(servers[0]!.url, "third"),
    post(servers[1]!.url, "fourth"),
  ]);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
  expect(github.comments("octo", "app", 1)).toHaveLength(4);
  const gaps = sent
    .sort((a, b) => a - b)
    .slice(1)
    .map((at, i) => at - sent[i]!);
  process.stdout.write(`gaps between new comments: ${gaps.map((g) => g.toFixed(0)).join(", ")} ms\n`);
  // Turns are spaced exactly; each request leaves a few ms after its turn, never a quarter gap early.
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(spacingMs * 0.75);
});
