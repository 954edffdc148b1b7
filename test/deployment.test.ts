import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { createDeployment } from "../deployment/create-deployment.ts";
import { silentLogger } from "../lib/logger.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";

describe("the composition root", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function bothServices(github: GitHubStandIn) {
    const dir = mkdtempSync(join(tmpdir(), "deployment-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = {
      GITHUB_WEBHOOK_SECRET: "whsec-deployment-0123456789",
      GITHUB_TOKEN: "ghp_standin_token_0123456789",
      GITHUB_API_URL: github.url,
      GITHUB_REPOS: "octo/app",
      GITHUB_BOT_LOGIN: "openwebui-ai-bot",
      OPENWEBUI_URL: "http://127.0.0.1:9",
      OPENWEBUI_API_KEY: "owui-key-deployment-0123456789",
      TOOL_SERVER_API_KEY: "tool-server-key-deployment-0123",
      PORT: "0",
      TOOL_SERVER_PORT: "0",
      RELAY_WORKER: "false",
      DATA_DIR: dir,
    };
    const deployment = createDeployment(
      { env, relay: loadRelayConfig(env), toolServer: loadToolServerConfig(env) },
      { logger: silentLogger, host: "127.0.0.1" },
    );
    const stores = await deployment.openRelayStores();
    cleanups.push(() => stores.close());
    const toolServer = await deployment.startToolServer(stores);
    cleanups.push(() => toolServer.close());
    const relay = await deployment.startRelay(stores);
    cleanups.push(() => relay.close());
    return { env, deployment, toolServer, relay };
  }

  it("builds the secrets once, from every secret variable in the environment, for both services", async () => {
    const github = await startGitHubStandIn();
    cleanups.push(() => github.close());
    const { env, deployment } = await bothServices(github);
    expect([...deployment.secrets].sort()).toEqual(
      [env.GITHUB_WEBHOOK_SECRET, env.GITHUB_TOKEN, env.OPENWEBUI_API_KEY, env.TOOL_SERVER_API_KEY].sort(),
    );
  });

  it("gives the relay and the tool server of one process one GitHub client: a tool call's rate-limit reading shows on both services' metrics", async () => {
    const github = await startGitHubStandIn();
    cleanups.push(() => github.close());
    github.addIssue({ owner: "octo", repo: "app", number: 1, title: "A bug", body: "It breaks." });
    github.reportRateLimitRemaining(4321);
    const { env, toolServer, relay } = await bothServices(github);
    const called = await fetch(`${toolServer.url}/get_issue`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${env.TOOL_SERVER_API_KEY}` },
      body: JSON.stringify({ owner: "octo", repo: "app", issue_number: 1 }),
    });
    expect(called.status).toBe(200);
    const gauge = /^openwebui_github_github_rate_limit_remaining\{resource="core"\} (\d+)$/m;
    for (const url of [toolServer.url, relay.url]) {
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(gauge.exec(text)?.[1], url).toBe("4321");
    }
  });
});
