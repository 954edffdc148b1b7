import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { redisServerAvailable, startRedisServer, type RedisServer } from "../stand-ins/redis-server.ts";
import { spawnService, type RelayProcess } from "./support/relay-process.ts";
import { readRedisConfig } from "../config/read-redis-config.ts";
import { openRedisRelayStores } from "../store/redis/open-redis-stores.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";

const withRedis = redisServerAvailable();
const toolServerKey = "tool-server-key-compose-0123456789";
// None of these has a well-known token shape: only knowing them as this deployment's secrets refuses them.
const othersSecrets = {
  GITHUB_WEBHOOK_SECRET: "whsec-compose-webhook-0123456789",
  RELAY_ADMIN_TOKEN: "relay-admin-token-compose-0123456",
  OPENWEBUI_API_KEY: "owui-relay-key-compose-0123456789",
  METRICS_TOKEN: "metrics-token-compose-0123456789",
};
const redisPassword = "redis-password-compose-0123456789";

/**
 * docker compose gives every service the whole .env, so the tool server run on its own knows the
 * relay's secrets too, and must refuse to post any of them (issue 15: it posted the webhook secret).
 */
describe("the tool server run on its own (npm run start:tool-server)", () => {
  // With redis-server, as compose runs it on Redis, whose password is a secret too; else on SQLite.
  let redis: RedisServer | undefined;
  let github: GitHubStandIn;
  let dir: string;
  let service: RelayProcess | undefined;

  beforeAll(async () => {
    if (withRedis) redis = await startRedisServer(["--requirepass", redisPassword]);
    github = await startGitHubStandIn();
    github.addIssue({ owner: "octo", repo: "app", number: 1, title: "A bug", body: "It breaks." });
    dir = mkdtempSync(join(tmpdir(), "tool-server-alone-"));
    const env = {
      ...othersSecrets,
      GITHUB_TOKEN: "ghp_standin_token_0123456789",
      GITHUB_API_URL: github.url,
      GITHUB_REPOS: "octo/app",
      GITHUB_BOT_LOGIN: "openwebui-ai-bot",
      OPENWEBUI_URL: "http://127.0.0.1:9",
      TOOL_SERVER_API_KEY: toolServerKey,
      TOOL_SERVER_PORT: "0",
      ...(redis
        ? { REDIS_URL: redis.url.replace("redis://", `redis://:${redisPassword}@`), REDIS_PREFIX: "secrets-test" }
        : {}),
      DATA_DIR: dir,
    };
    service = await spawnService("tool-server", env);
    // A relay run in the shared store: without a config file no person may write, and without verified
    // identity a live run's chat id is what lets the tool server comment (on the run's one issue).
    const stores = redis
      ? await openRedisRelayStores(readRedisConfig(env).redis!)
      : await openSqliteRelayStores({ dataDir: dir });
    try {
      await stores.deliveries.add({
        key: "1:run",
        deliveryId: "run",
        event: "issues",
        action: "opened",
        status: "pending",
      });
      await stores.runs.add({
        chatId: "chat-of-a-run",
        deliveryKey: "1:run",
        deliveryId: "run",
        owner: "octo",
        repo: "app",
        issueNumber: 1,
        messageId: "m",
      });
    } finally {
      await stores.close();
    }
  });

  afterAll(async () => {
    if (service && service.child.exitCode === null) await service.kill("SIGTERM");
    await github?.close();
    await redis?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const comment = (body: string) =>
    fetch(`${service!.url}/post_issue_comment`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${toolServerKey}`,
        "x-openwebui-chat-id": "chat-of-a-run",
      },
      body: JSON.stringify({ owner: "octo", repo: "app", issue_number: 1, body }),
    });

  it("refuses a comment holding any secret of the deployment, and GitHub never sees one", async () => {
    for (const [name, secret] of Object.entries({
      ...othersSecrets,
      ...(redis ? { REDIS_PASSWORD: redisPassword } : {}),
    })) {
      const answer = await comment(`Here is the configuration: ${secret}`);
      expect(answer.status, `a comment holding ${name}`).toBe(422);
      expect(await answer.text()).not.toContain(secret);
    }
    // The same path posts a clean comment, so the refusals above are not GitHub being out of reach.
    expect((await comment("A clean analysis.")).status).toBe(200);
    const posted = github.allComments().map((c) => c.body);
    expect(posted).toEqual([expect.stringContaining("A clean analysis.")]);
    const seen = github.requests.map((r) => JSON.stringify(r)).join("\n") + service!.output();
    for (const secret of [...Object.values(othersSecrets), redisPassword]) expect(seen).not.toContain(secret);
  });
});
