import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteToolServerStores } from "../../store/sqlite/open-sqlite-stores.ts";
import type { ToolServerStores } from "../../store/stores.ts";
import { startToolServerFor } from "../support/start-services.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../../stand-ins/github-stand-in.ts";
import { ensureVenv, schemathesisVersion } from "../../stand-ins/open-webui-instance.ts";

const key = "tool-server-key-schemathesis-0123";

describe(`schemathesis ${schemathesisVersion} against the tool server's /openapi.json`, () => {
  let github: GitHubStandIn;
  let stores: ToolServerStores | undefined;
  let server: { url: string; close(): Promise<void> };
  let bin: string;

  beforeAll(async () => {
    ({ bin } = await ensureVenv(
      `schemathesis-${schemathesisVersion}`,
      [[`schemathesis==${schemathesisVersion}`]],
      (line) => process.stdout.write(`[schemathesis] ${line}\n`),
    ));
    github = await startGitHubStandIn();
    // The document's examples name octocat/Hello-World#1: allow it and make it exist, so those calls reach GitHub and back.
    for (let number = 1; number <= 5; number++)
      github.addIssue({ owner: "octocat", repo: "Hello-World", number, title: `Issue ${number}`, body: "text" });
    stores = await openSqliteToolServerStores({ dataDir: ":memory:" });
    server = await startToolServerFor(
      {
        TOOL_SERVER_PORT: "0",
        TOOL_SERVER_API_KEY: key,
        GITHUB_TOKEN: "ghp_standin_token_0123456789",
        GITHUB_API_URL: github.url,
        GITHUB_REPOS: "octocat/*",
      },
      stores,
      { github: { retry: { retries: 0, baseDelayMs: 1 }, pacing: { writeMs: 0, notificationMs: 0 } } },
    );
  });

  afterAll(async () => {
    await server?.close();
    await github?.close();
    await stores?.close();
  });

  it("finds no server error, no undocumented status and no response off its schema", async () => {
    const result = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn(
        join(bin, "st"),
        [
          "run",
          `${server.url}/openapi.json`,
          "--header",
          `Authorization: Bearer ${key}`,
          "--checks",
          "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection",
          "--max-examples",
          "100",
          "--seed",
          "20261128",
          "--workers",
          "2",
          "--no-color",
        ],
        { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", SCHEMATHESIS_TELEMETRY: "false" } },
      );
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d));
      child.stderr.on("data", (d: Buffer) => (output += d));
      child.on("exit", (code) => done({ code, output }));
    });
    const summary = result.output
      .split("\n")
      .filter((l) => /test cases|passed|failed|Operations|Test Phases|✅|❌/i.test(l))
      .join("\n");
    process.stdout.write(`schemathesis summary:\n${summary}\n`);
    expect(result.code, result.output.slice(-4000)).toBe(0);
    expect(github.unexpected).toEqual([]);
    // Valid calls got through to GitHub: the run did not only bounce off the allow-list.
    expect(github.requests.filter((r) => r.status < 300).length).toBeGreaterThan(0);
  }, 600_000);
});
