import { expect } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../stand-ins/github-stand-in.ts";
import { openSqliteRelayStores } from "../../store/sqlite/open-sqlite-stores.ts";
import type { RunRecord, RunStore } from "../../store/run-store.ts";
import type { RelayStores } from "../../store/stores.ts";
import { toolRegistry } from "../../tool-server/tool-registry.ts";
import { parseToolOutput } from "./parse-tool-output.ts";
import { startToolServerFor } from "./start-services.ts";

export const toolTestKey = "tool-server-key-for-tool-tests-0123";

/** A relay run to record: its chat id, the issue it was started for, and what its rule allows. */
export interface TestRun {
  chatId: string;
  owner: string;
  repo: string;
  issueNumber: number;
  /** Labels the run's rule allows add_labels to apply; the stores do not keep them yet, so the test adds them on read. */
  allowedLabels?: readonly string[];
}

export interface ToolTestServer {
  github: GitHubStandIn;
  stores: RelayStores;
  url: string;
  /** Calls a tool over HTTP; a 200 answer is parsed with the tool's output schema, so the document cannot drift. */
  call(
    tool: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

// The run store as the tool server reads it, with each run's allowed labels as a rule would record them.
function withAllowedLabels(runs: RunStore, labels: Map<string, readonly string[]>): RunStore {
  const get = async (chatId: string): Promise<RunRecord | undefined> => {
    const run = await runs.get(chatId);
    const allowed = labels.get(chatId);
    return run && allowed ? { ...run, allowedLabels: allowed } : run;
  };
  return new Proxy(runs, {
    get(target, property) {
      if (property === "get") return get;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The tool server of a deployment allowed `repos`, against a GitHub stand-in, with these relay runs recorded. */
export async function startToolTestServer(options: { repos?: string; runs?: TestRun[] } = {}): Promise<ToolTestServer> {
  const github = await startGitHubStandIn({ readOnlyTokens: ["ghp_read_only_token"] });
  const stores = await openSqliteRelayStores({ dataDir: ":memory:" });
  const labels = new Map<string, readonly string[]>();
  for (const run of options.runs ?? []) {
    const deliveryId = `delivery-of-${run.chatId}`;
    await stores.deliveries.add({
      key: `1:${deliveryId}`,
      deliveryId,
      event: "issues",
      action: "opened",
      status: "pending",
    });
    const { allowedLabels, ...record } = run;
    await stores.runs.add({ ...record, deliveryKey: `1:${deliveryId}`, deliveryId, messageId: "m1" });
    if (allowedLabels) labels.set(run.chatId, allowedLabels);
  }
  const env = {
    TOOL_SERVER_PORT: "0",
    TOOL_SERVER_API_KEY: toolTestKey,
    GITHUB_TOKEN: "ghp_standin_token_0123456789",
    GITHUB_API_URL: github.url,
    GITHUB_REPOS: options.repos ?? "octo/app,octo/other",
  };
  const server = await startToolServerFor(
    env,
    { ...stores, runs: withAllowedLabels(stores.runs, labels) },
    { github: { retry: { retries: 0, baseDelayMs: 5 }, pacing: { writeMs: 5, notificationMs: 5 } } },
  );
  return {
    github,
    stores,
    url: server.url,
    async call(tool, body, headers = {}) {
      const response = await fetch(`${server.url}/${tool}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${toolTestKey}`, ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const answer = { status: response.status, body: (await response.json()) as Record<string, unknown> };
      if (answer.status === 200)
        parseToolOutput(
          toolRegistry.find((t) => t.name === tool)!,
          answer.body,
        );
      return answer;
    },
    async close() {
      await server.close();
      await stores.close();
      // Every test file asserts GitHub saw nothing it does not implement.
      expect(github.unexpected).toEqual([]);
      await github.close();
    },
  };
}
