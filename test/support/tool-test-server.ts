import { expect } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../stand-ins/github-stand-in.ts";
import { openSqliteRelayStores } from "../../store/sqlite/open-sqlite-stores.ts";
import type { WriteLimit } from "../../store/coordination.ts";
import type { RunRule } from "../../store/run-store.ts";
import type { RelayStores } from "../../store/stores.ts";
import { toolRegistry } from "../../tool-server/tool-registry.ts";
import type { WorkflowDispatchSettings } from "../../tool-server/tools/workflow-dispatch-settings.ts";
import { parseToolOutput } from "./parse-tool-output.ts";
import type { PeoplePolicy } from "../../config/people-schema.ts";
import { startToolServerFor } from "./start-services.ts";
import { recordRelayRun } from "./record-relay-run.ts";

/** The built-in rule's settings, which a test run has unless it says otherwise. */
export const testRunRule: RunRule = {
  name: "triage",
  mode: "act",
  tools: null,
  labels: [],
  workflows: [],
  maxComments: 1,
  maxLabels: null,
  comment: "new",
};

export const toolTestKey = "tool-server-key-for-tool-tests-0123";
/** The relay's Open WebUI account, whose runs these are when the signed user JWT is on. */
export const relayAccount = { id: "relay-account", email: "relay@example.com", name: "Relay", role: "user" as const };

/** A relay run to record: its chat id, the issue it was started for, and what its rule allows. */
export interface TestRun {
  chatId: string;
  owner: string;
  repo: string;
  issueNumber: number;
  /** Labels the run's rule allows add_labels to apply. */
  allowedLabels?: readonly string[];
  /** Workflow files the run's rule lets dispatch_workflow run. */
  allowedWorkflows?: readonly string[];
  /** The rest of the run's rule settings; the built-in rule's when absent. */
  rule?: Partial<RunRule>;
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

/** The tool server of a deployment allowed `repos`, against a GitHub stand-in, with these relay runs recorded. */
export async function startToolTestServer(
  options: {
    repos?: string;
    runs?: TestRun[];
    workflowDispatch?: WorkflowDispatchSettings;
    /** GitHub's comment limits, shortened; with it a person's write does not wait for the budget. */
    commentLimits?: readonly WriteLimit[];
    /** Open WebUI's signed user JWT on (runs then belong to relayAccount, whose token their calls carry). */
    userJwtSecret?: string;
    people?: PeoplePolicy;
  } = {},
): Promise<ToolTestServer> {
  const github = await startGitHubStandIn({ readOnlyTokens: ["ghp_read_only_token"] });
  const stores = await openSqliteRelayStores({ dataDir: ":memory:" });
  for (const run of options.runs ?? []) {
    const { allowedLabels, allowedWorkflows, rule, ...record } = run;
    const userId = options.userJwtSecret ? relayAccount.id : null;
    const settings = { ...testRunRule, labels: allowedLabels ?? [], workflows: allowedWorkflows ?? [], ...rule };
    await recordRelayRun(stores, { ...record, deliveryId: `delivery-of-${run.chatId}`, userId, rule: settings });
  }
  const env = {
    TOOL_SERVER_PORT: "0",
    TOOL_SERVER_API_KEY: toolTestKey,
    GITHUB_TOKEN: "ghp_standin_token_0123456789",
    GITHUB_API_URL: github.url,
    GITHUB_REPOS: options.repos ?? "octo/app,octo/other",
    ...(options.commentLimits ? { TOOL_SERVER_COMMENT_BUDGET_WAIT_MS: "0" } : {}),
    ...(options.userJwtSecret ? { OPENWEBUI_USER_JWT_SECRET: options.userJwtSecret } : {}),
  };
  const server = await startToolServerFor(env, stores, {
    github: { retry: { retries: 0, baseDelayMs: 5 }, pacing: { writeMs: 5, notificationMs: 5 } },
    ...(options.workflowDispatch ? { workflowDispatch: options.workflowDispatch } : {}),
    ...(options.commentLimits ? { commentLimits: options.commentLimits } : {}),
    ...(options.people ? { people: () => options.people! } : {}),
  });
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
