import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rulesSchema } from "../../config/rules-schema.ts";
import { classifyError } from "../../relay/classify-error.ts";
import { narrowForRepo } from "../../relay/rules/narrow-for-repo.ts";
import { createRepoConfigReader, repoConfigEpoch } from "../../relay/rules/repo-config-reader.ts";
import { toRuleEvent, type RuleEvent } from "../../relay/rules/rule-event.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../../stand-ins/github-stand-in.ts";
import { issuesOpened } from "../../stand-ins/payloads.ts";
import { openSqliteRelayStores } from "../../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../../store/stores.ts";

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const repo = { owner: "octo", repo: "app" };
const path = ".github/openwebui-github.yml";
const [triage] = rulesSchema.parse([
  {
    name: "triage",
    on: ["issues.opened", "issues.labeled"],
    tools: ["get_issue", "add_labels", "post_issue_comment"],
    labels: ["bug", "question"],
    workflows: ["triage.yml", "lint.yml"],
  },
]);

describe("reading a repository's .github/openwebui-github.yml", () => {
  let github: GitHubStandIn;
  let stores: RelayStores;
  let dataDir: string;
  let octokit: Octokit;
  let now: number;

  beforeEach(async () => {
    github = await startGitHubStandIn();
    github.addIssue({ ...repo, number: 1, title: "t", body: null });
    dataDir = mkdtempSync(join(tmpdir(), "repo-config-reader-"));
    stores = await openSqliteRelayStores({ dataDir });
    octokit = new Octokit({
      baseUrl: github.url,
      auth: "ghp_standin_token_0123456789",
      log: quiet,
      request: { retries: 0 },
    });
    now = 1_000_000;
  });

  afterEach(async () => {
    expect(github.unexpected).toEqual([]);
    await github.close();
    await stores.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const reader = (ttlMs = 60_000) =>
    createRepoConfigReader({ github: octokit, coordination: stores.coordination, ttlMs, now: () => now });
  const reads = () => github.requests.filter((r) => r.path.startsWith("/repos/octo/app/contents/")).length;
  const addFile = (content: string) => github.addFile({ ...repo, path, content });

  it("keeps what it read, an absent file too, until the TTL ends; then reads again", async () => {
    const files = reader(60_000);
    expect(await files.read("octo", "app")).toEqual({ kind: "absent" });
    addFile("rules: {}\n");
    now += 59_999;
    expect(await files.read("octo", "app")).toEqual({ kind: "absent" });
    expect(reads()).toBe(1);
    now += 1;
    expect(await files.read("octo", "app")).toEqual({ kind: "file", text: "rules: {}\n" });
    expect(reads()).toBe(2);
  });

  it("reads again on every replica once a push advanced the repository's epoch in the shared store", async () => {
    addFile("rules: {}\n");
    const [one, two] = [reader(), reader()];
    await one.read("octo", "app");
    await two.read("octo", "app");
    addFile("rules:\n  triage: { enabled: false }\n");
    // What the door does on a push to the default branch, on whichever replica received it.
    await stores.coordination.advanceEpoch(repoConfigEpoch("Octo", "App"));
    for (const replica of [one, two])
      expect(await replica.read("octo", "app")).toEqual({
        kind: "file",
        text: "rules:\n  triage: { enabled: false }\n",
      });
    expect(reads()).toBe(4);
    // And the new file is kept again until the TTL or the next push.
    expect(await one.read("octo", "app")).toMatchObject({ kind: "file" });
    expect(reads()).toBe(4);
  });

  it("calls a directory at the path unusable, and lets a GitHub failure fail (or retry) the run rather than run it unnarrowed", async () => {
    github.addFile({ ...repo, path: `${path}/inside.yml`, content: "x" });
    expect(await reader().read("octo", "app")).toEqual({ kind: "unusable", problem: `${path} is not a file` });
    github.failNext(1, "server-error", { pathIncludes: "/contents/" });
    await expect(reader().read("octo", "app")).rejects.toMatchObject({ status: 500 });
    // A rate limit stays GitHub's own error, which the worker retries after the wait GitHub asks for.
    github.failNext(1, "secondary-rate-limit", { pathIncludes: "/contents/" });
    const limited: unknown = await reader()
      .read("octo", "app")
      .catch((error: unknown) => error);
    expect(classifyError(limited)).toMatchObject({ transient: true, retryAfterMs: expect.any(Number) });
  });

  it("gives the run the rule as the file narrowed it: its tools, labels, workflows and prompt", async () => {
    addFile(`rules:
  triage:
    tools: [get_issue]
    labels: [BUG]
    workflows: [lint.yml]
    prompt: "Only {{title}}"
`);
    const event = toRuleEvent("issues", issuesOpened({ ...repo, number: 1 })) as RuleEvent;
    const narrowed = await narrowForRepo(triage!, event, { rules: [triage!], reader: reader() });
    expect(narrowed).toEqual({
      rule: { ...triage, tools: ["get_issue"], labels: ["bug"], workflows: ["lint.yml"], prompt: "Only {{title}}" },
    });
  });

  it("checks the cached file against the rules as they are now: a reload that drops a rule it names stops every rule there", async () => {
    addFile("rules:\n  triage:\n    tools: [get_issue]\n");
    const files = reader();
    const event = toRuleEvent("issues", issuesOpened({ ...repo, number: 1 })) as RuleEvent;
    expect(await narrowForRepo(triage!, event, { rules: [triage!], reader: files })).toHaveProperty("rule");
    const [renamed] = rulesSchema.parse([{ name: "labels", on: "issues.opened" }]);
    const after = await narrowForRepo(renamed!, event, { rules: [renamed!], reader: files });
    expect(after).toEqual({
      reason: expect.stringMatching(
        /^octo\/app's \.github\/openwebui-github\.yml is invalid, so no rule runs there until it is fixed: \.github\/openwebui-github\.yml:2:3: rules\.triage: the deployment has no rule "triage"/,
      ),
    });
    expect(reads()).toBe(1);
  });
});
