import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { timingProblems } from "../config/timing-contract.ts";
import { problemsOf, fullEnv } from "./support/config-problems.ts";

const root = resolve(import.meta.dirname, "..");

describe("the timing contract: inner waits fit inside outer ones", () => {
  it("holds for the documented defaults, which every wait and timeout comes from", () => {
    const relay = loadRelayConfig(fullEnv);
    expect(relay.github).toMatchObject({ timeoutMs: 30_000, commentBudgetWaitMs: 240_000, commentLockMs: 480_000 });
    expect(relay.github.retry).toEqual({
      retries: 3,
      baseDelayMs: 1_000,
      rateLimitRetries: 2,
      maxRateLimitWaitMs: 60_000,
    });
    expect(relay.openWebUI).toMatchObject({ timeoutMs: 600_000, requestTimeoutMs: 30_000 });
    expect(relay.http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
    expect(relay).toMatchObject({
      pollIntervalMs: 5_000,
      shutdownGraceMs: 8_000,
      retry: { baseMs: 30_000, maxMs: 3_600_000 },
    });
    expect(loadToolServerConfig(fullEnv).http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
  });

  it("refuses the waits as they were before issue 15: a 15-minute budget wait under a 20-minute lock, inside a 10-minute completion", () => {
    const before = { ...fullEnv, GITHUB_COMMENT_BUDGET_WAIT_MS: "900000", GITHUB_COMMENT_LOCK_MS: "1200000" };
    expect(problemsOf(() => loadRelayConfig(before))).toEqual([
      "GITHUB_COMMENT_LOCK_MS (1200000) must fit in OPENWEBUI_TIMEOUT_MS (600000): the run's comment is posted during the completion, and its lock must not outlast the run; lower GITHUB_COMMENT_LOCK_MS or raise OPENWEBUI_TIMEOUT_MS",
    ]);
    // The tool server has no completion of its own: the budget wait fits in the lock, so it starts.
    expect(problemsOf(() => loadToolServerConfig(before))).toEqual([]);
  });

  it("names the variables and the fix when a comment's budget wait and GitHub request outlast its lock, on both services", () => {
    const env = {
      ...fullEnv,
      GITHUB_COMMENT_BUDGET_WAIT_MS: "290000",
      GITHUB_TIMEOUT_MS: "20000",
      GITHUB_COMMENT_LOCK_MS: "300000",
      GITHUB_RATE_LIMIT_RETRIES: "0",
    };
    const line =
      "GITHUB_COMMENT_BUDGET_WAIT_MS (290000) + GITHUB_TIMEOUT_MS (20000) must fit in GITHUB_COMMENT_LOCK_MS (300000): a comment still waiting for GitHub's budget would outlive the lock, and a second run of the delivery could comment too; lower GITHUB_COMMENT_BUDGET_WAIT_MS or GITHUB_TIMEOUT_MS or raise GITHUB_COMMENT_LOCK_MS";
    expect(problemsOf(() => loadRelayConfig(env))).toEqual([line]);
    expect(problemsOf(() => loadToolServerConfig(env))).toEqual([line]);
    // Exactly filling the lock is allowed.
    expect(problemsOf(() => loadRelayConfig({ ...env, GITHUB_COMMENT_BUDGET_WAIT_MS: "280000" }))).toEqual([]);
  });

  it("checks the Open WebUI request, the HTTP servers' timeouts and the retry backoff, reporting every problem at once", () => {
    const problems = problemsOf(() =>
      loadRelayConfig({
        ...fullEnv,
        OPENWEBUI_TIMEOUT_MS: "20000",
        OPENWEBUI_REQUEST_TIMEOUT_MS: "30000",
        HTTP_HEADERS_TIMEOUT_MS: "40000",
        HTTP_REQUEST_TIMEOUT_MS: "30000",
        RELAY_RETRY_BASE_MS: "60000",
        RELAY_RETRY_MAX_MS: "1000",
        GITHUB_COMMENT_LOCK_MS: "20000",
        GITHUB_COMMENT_BUDGET_WAIT_MS: "0",
        GITHUB_TIMEOUT_MS: "1000",
        GITHUB_RATE_LIMIT_RETRIES: "0",
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^HTTP_HEADERS_TIMEOUT_MS \(40000\) must fit in HTTP_REQUEST_TIMEOUT_MS \(30000\): .*; lower HTTP_HEADERS_TIMEOUT_MS or raise HTTP_REQUEST_TIMEOUT_MS$/,
      ),
      expect.stringMatching(
        /^OPENWEBUI_REQUEST_TIMEOUT_MS \(30000\) must fit in OPENWEBUI_TIMEOUT_MS \(20000\): .*; lower OPENWEBUI_REQUEST_TIMEOUT_MS or raise OPENWEBUI_TIMEOUT_MS$/,
      ),
      expect.stringMatching(/^RELAY_RETRY_BASE_MS \(60000\) must fit in RELAY_RETRY_MAX_MS \(1000\): /),
    ]);
    expect(
      problemsOf(() =>
        loadToolServerConfig({ ...fullEnv, HTTP_HEADERS_TIMEOUT_MS: "40000", HTTP_REQUEST_TIMEOUT_MS: "30000" }),
      ),
    ).toEqual([expect.stringMatching(/^HTTP_HEADERS_TIMEOUT_MS \(40000\) must fit in HTTP_REQUEST_TIMEOUT_MS/)]);
  });

  it("counts a comment's rate-limit retries and the waits between them, not only one request's timeout", () => {
    // As before this check: a 4-minute budget wait and a 30 s request in a 5-minute lock looked fine,
    // but two rate-limited attempts and their minute-long waits take the comment past the lock.
    const env = { ...fullEnv, GITHUB_COMMENT_LOCK_MS: "300000" };
    expect(problemsOf(() => loadRelayConfig(env))).toEqual([
      "GITHUB_COMMENT_BUDGET_WAIT_MS (240000) + GITHUB_TIMEOUT_MS × (1 + GITHUB_RATE_LIMIT_RETRIES) (90000) + GITHUB_RATE_LIMIT_RETRIES × GITHUB_RATE_LIMIT_MAX_WAIT_MS (120000) must fit in GITHUB_COMMENT_LOCK_MS (300000): a comment still waiting for GitHub's budget would outlive the lock, and a second run of the delivery could comment too; lower GITHUB_COMMENT_BUDGET_WAIT_MS or GITHUB_TIMEOUT_MS × (1 + GITHUB_RATE_LIMIT_RETRIES) or GITHUB_RATE_LIMIT_RETRIES × GITHUB_RATE_LIMIT_MAX_WAIT_MS or raise GITHUB_COMMENT_LOCK_MS",
    ]);
    expect(problemsOf(() => loadRelayConfig({ ...env, GITHUB_COMMENT_BUDGET_WAIT_MS: "60000" }))).toEqual([]);
  });

  it("adds up every inner wait against the outer bound", () => {
    const comment = {
      githubRequest: [["A", 1] as const],
      commentBudgetWait: ["B", 1] as const,
      commentLock: ["C", 2] as const,
    };
    const server = { headersTimeout: ["H", 1] as const, requestTimeout: ["R", 1] as const };
    expect(timingProblems({ comment, server })).toEqual([]);
    expect(timingProblems({ comment: { ...comment, commentLock: ["C", 1] }, server })).toEqual([
      expect.stringMatching(/^B \(1\) \+ A \(1\) must fit in C \(1\)/),
    ]);
  });

  it("stops npm start with exit status 78 and the one line that says what to change", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "bin", "start.ts")], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        ...fullEnv,
        PORT: "0",
        TOOL_SERVER_PORT: "0",
        GITHUB_COMMENT_LOCK_MS: "1200000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const code = await new Promise<number | null>((done) => child.on("exit", done));
    expect(code).toBe(78);
    expect(stderr).toContain("  - GITHUB_COMMENT_LOCK_MS (1200000) must fit in OPENWEBUI_TIMEOUT_MS (600000)");
    expect(stderr.match(/must fit in/g)).toHaveLength(1);
  });
});
