import { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { assertGitHubShape } from "./support/github-openapi.ts";

const token = "ghp_standin_token_0123456789";
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const checked: string[] = [];
const deployWorkflow = `name: Deploy
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [staging, production]
        required: true
      dry_run:
        type: boolean
        default: false
      replicas:
        type: number
jobs: {}
`;

/** An Octokit whose every answer, success or error, is checked against GitHub's OpenAPI description. */
function checkedClient(baseUrl: string, auth: string) {
  const octokit = new Octokit({ baseUrl, auth, log: quiet, request: { retries: 0 } });
  octokit.hook.after("request", (response, options) => {
    const route = assertGitHubShape(options.method, options.url, response.status, response.data);
    checked.push(`${options.method} ${route} ${response.status}`);
  });
  octokit.hook.error("request", (error, options) => {
    const failed = error as { status?: number; response?: { data?: unknown } };
    if (typeof failed.status === "number") {
      const route = assertGitHubShape(options.method, options.url, failed.status, failed.response?.data);
      checked.push(`${options.method} ${route} ${failed.status}`);
    }
    throw error;
  });
  return octokit;
}

async function statusOf(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const failed = error as { status: number; response?: { data?: { message?: string } } };
    if (typeof failed.status !== "number") throw error;
    return { status: failed.status, message: failed.response?.data?.message ?? "" };
  }
  throw new Error("expected the request to fail");
}

describe("GitHub stand-in endpoints, each answer checked against GitHub's OpenAPI description", () => {
  let github: GitHubStandIn;
  let octokit: Octokit;
  const repo = { owner: "octo", repo: "app" };

  beforeAll(async () => {
    github = await startGitHubStandIn({ readOnlyTokens: ["ghp_read_only_token"] });
    github.addIssue({ ...repo, number: 7, title: "Crash on start", body: "It crashes on Windows.", labels: ["bug"] });
    github.addIssue({ ...repo, number: 8, title: "Docs typo", body: "Fix the README.", state: "closed" });
    github.addLabel({ ...repo, name: "question", color: "d876e3", description: "Further information is requested" });
    github.addComment({ ...repo, issue_number: 7, body: "Same here." });
    github.addPullRequest({
      ...repo,
      number: 9,
      title: "Fix the crash",
      body: "Fixes #7.",
      head: { ref: "fix-crash" },
      files: [
        {
          filename: "src/start.ts",
          status: "modified",
          additions: 2,
          deletions: 1,
          patch: "@@ -1 +1,2 @@\n-a\n+b\n+c",
        },
        { filename: "logo.png", status: "added" },
      ],
    });
    github.addFile({ ...repo, path: "README.md", content: "# App\n" });
    github.addFile({ ...repo, path: "src/start.ts", content: "export {};\n" });
    github.addFile({ ...repo, path: "src/big.bin", content: Buffer.alloc(1024 * 1024 + 1, 1) });
    github.addFile({ ...repo, path: "README.md", content: "# App on a branch\n", ref: "next" });
    github.addFile({ owner: "octo", repo: "ci", path: ".github/workflows/deploy.yml", content: deployWorkflow });
    github.addFile({ owner: "octo", repo: "ci", path: ".github/workflows/lint.yml", content: "on: push\n" });
    github.addFile({
      owner: "octo",
      repo: "ci",
      path: ".github/workflows/deploy.yml",
      content: deployWorkflow,
      ref: "next",
    });
    octokit = checkedClient(github.url, token);
  });

  afterAll(async () => {
    await github.close();
  });

  afterEach(() => {
    expect(github.unexpected).toEqual([]);
  });

  it("serves issues, pull requests as issues, and comments in GitHub's shape", async () => {
    expect((await octokit.rest.issues.get({ ...repo, issue_number: 7 })).data.pull_request).toBeUndefined();
    const asIssue = await octokit.rest.issues.get({ ...repo, issue_number: 9 });
    expect(asIssue.data.pull_request?.html_url).toBe("https://github.com/octo/app/pull/9");
    expect((await octokit.rest.issues.listComments({ ...repo, issue_number: 7 })).data).toHaveLength(1);
  });

  it("lists a repository's labels, those seeded and those its issues carry, and pages them", async () => {
    const { data } = await octokit.rest.issues.listLabelsForRepo({ ...repo, per_page: 1 });
    expect(data.map((l) => l.name)).toEqual(["bug"]);
    const all = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, { ...repo, per_page: 1 });
    expect(all.map((l) => l.name)).toEqual(["bug", "question"]);
    expect((await octokit.rest.issues.getLabel({ ...repo, name: "QUESTION" })).data.color).toBe("d876e3");
    expect((await statusOf(octokit.rest.issues.getLabel({ ...repo, name: "nope" }))).status).toBe(404);
    expect((await statusOf(octokit.rest.issues.listLabelsForRepo({ owner: "octo", repo: "nope" }))).status).toBe(404);
  });

  it("adds labels to an issue as GitHub does: an existing name in any case, an unknown one created", async () => {
    const { data } = await octokit.rest.issues.addLabels({
      ...repo,
      issue_number: 8,
      labels: ["Question", "brand-new"],
    });
    expect(data.map((l) => l.name)).toEqual(["question", "brand-new"]);
    const repoLabels = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, repo);
    expect(repoLabels.map((l) => l.name)).toContain("brand-new");
    expect((await octokit.rest.issues.listLabelsOnIssue({ ...repo, issue_number: 8 })).data).toHaveLength(2);
  });

  it("refuses label writes GitHub refuses: missing issue 404, no labels 422, read-only token 403", async () => {
    expect((await statusOf(octokit.rest.issues.addLabels({ ...repo, issue_number: 99, labels: ["bug"] }))).status).toBe(
      404,
    );
    expect((await statusOf(octokit.rest.issues.addLabels({ ...repo, issue_number: 7, labels: [] }))).status).toBe(422);
    const tooLong = await statusOf(
      octokit.rest.issues.addLabels({ ...repo, issue_number: 7, labels: ["x".repeat(51)] }),
    );
    expect(tooLong.status).toBe(422);
    const readOnly = checkedClient(github.url, "ghp_read_only_token");
    expect((await statusOf(readOnly.rest.issues.addLabels({ ...repo, issue_number: 7, labels: ["bug"] }))).status).toBe(
      403,
    );
  });

  it("searches issues by words, repository, kind, state and label, and pages the results", async () => {
    const search = (q: string, per_page?: number) =>
      octokit.rest.search.issuesAndPullRequests({ q, ...(per_page ? { per_page } : {}) });
    expect((await search("repo:octo/app is:issue crash")).data.items.map((i) => i.number)).toEqual([7]);
    expect((await search("repo:octo/app is:pr crash")).data.items.map((i) => i.number)).toEqual([9]);
    expect((await search("repo:octo/app is:issue is:closed")).data.items.map((i) => i.number)).toEqual([8]);
    expect((await search('repo:octo/app label:bug "on windows"')).data.items.map((i) => i.number)).toEqual([7]);
    expect((await search("repo:octo/app -label:bug is:issue")).data.items.map((i) => i.number)).toEqual([8]);
    const paged = await search("repo:octo/app", 1);
    expect(paged.data.total_count).toBe(3);
    expect(paged.headers.link).toMatch(/rel="next"/);
  });

  it("refuses searches GitHub refuses with 422: an unknown repository, an empty or over-long query", async () => {
    const unknown = await statusOf(octokit.rest.search.issuesAndPullRequests({ q: "repo:octo/nope crash" }));
    expect(unknown).toMatchObject({ status: 422, message: "Validation Failed" });
    expect((await statusOf(octokit.rest.search.issuesAndPullRequests({ q: " " }))).status).toBe(422);
    expect((await statusOf(octokit.rest.search.issuesAndPullRequests({ q: "a".repeat(257) }))).status).toBe(422);
  });

  it("serves a pull request and its files, patches left out where GitHub leaves them out", async () => {
    const { data: pull } = await octokit.rest.pulls.get({ ...repo, pull_number: 9 });
    expect(pull).toMatchObject({ number: 9, state: "open", draft: false, changed_files: 2, additions: 2 });
    expect(pull.head.ref).toBe("fix-crash");
    const { data: files } = await octokit.rest.pulls.listFiles({ ...repo, pull_number: 9 });
    expect(files.map((f) => [f.filename, f.patch !== undefined])).toEqual([
      ["src/start.ts", true],
      ["logo.png", false],
    ]);
    expect((await statusOf(octokit.rest.pulls.get({ ...repo, pull_number: 7 }))).status).toBe(404);
    expect((await statusOf(octokit.rest.pulls.listFiles({ ...repo, pull_number: 99 }))).status).toBe(404);
  });

  it("serves files as base64, directories as lists, at a branch or commit, and 404 for what does not exist", async () => {
    const { data: file } = await octokit.rest.repos.getContent({ ...repo, path: "README.md" });
    expect(Array.isArray(file) ? null : file.type === "file" && Buffer.from(file.content, "base64").toString()).toBe(
      "# App\n",
    );
    const { data: dir } = await octokit.rest.repos.getContent({ ...repo, path: "src" });
    expect(Array.isArray(dir) && dir.map((e) => [e.name, e.type])).toEqual([
      ["big.bin", "file"],
      ["start.ts", "file"],
    ]);
    const { data: root } = await octokit.rest.repos.getContent({ ...repo, path: "" });
    expect(Array.isArray(root) && root.map((e) => e.type)).toEqual(["file", "dir"]);
    const { data: big } = await octokit.rest.repos.getContent({ ...repo, path: "src/big.bin" });
    expect(!Array.isArray(big) && big.type === "file" && [big.encoding, big.content, big.size]).toEqual([
      "none",
      "",
      1024 * 1024 + 1,
    ]);
    const onBranch = await octokit.rest.repos.getContent({
      ...repo,
      path: "README.md",
      ref: github.headSha("octo", "app", "next"),
    });
    expect(!Array.isArray(onBranch.data) && onBranch.data.type === "file" && onBranch.data.size).toBe(18);
    const missingRef = await statusOf(octokit.rest.repos.getContent({ ...repo, path: "README.md", ref: "nope" }));
    expect(missingRef).toEqual({ status: 404, message: "No commit found for the ref nope" });
    expect((await statusOf(octokit.rest.repos.getContent({ ...repo, path: "nope.md" }))).status).toBe(404);
    // The relay reads a repository's own config file this way (a dot folder, the default branch).
    github.addFile({ ...repo, path: ".github/openwebui-github.yml", content: "rules: {}\n" });
    const { data: own } = await octokit.rest.repos.getContent({ ...repo, path: ".github/openwebui-github.yml" });
    expect(!Array.isArray(own) && own.type === "file" && [own.path, own.encoding]).toEqual([
      ".github/openwebui-github.yml",
      "base64",
    ]);
    const absent = octokit.rest.repos.getContent({ owner: "octo", repo: "ci", path: ".github/openwebui-github.yml" });
    expect((await statusOf(absent)).status).toBe(404);
  });

  it("starts a workflow by hand on a branch with the inputs its file declares, answering 204", async () => {
    const ci = { owner: "octo", repo: "ci", workflow_id: "deploy.yml" };
    const { status } = await octokit.rest.actions.createWorkflowDispatch({
      ...ci,
      ref: "next",
      inputs: { environment: "staging", dry_run: "true", replicas: "3" },
    });
    expect(status).toBe(204);
    await octokit.rest.actions.createWorkflowDispatch({
      ...ci,
      ref: "refs/heads/main",
      inputs: { environment: "production" },
    });
    expect(github.dispatches()).toEqual([
      {
        owner: "octo",
        repo: "ci",
        workflow: "deploy.yml",
        ref: "next",
        inputs: { environment: "staging", dry_run: "true", replicas: "3" },
      },
      { owner: "octo", repo: "ci", workflow: "deploy.yml", ref: "main", inputs: { environment: "production" } },
    ]);
  });

  it("refuses dispatches GitHub refuses: unknown workflow 404, unknown ref, no trigger and wrong inputs 422", async () => {
    const ci = { owner: "octo", repo: "ci", workflow_id: "deploy.yml", ref: "main" };
    const refused = (workflow_id: string, ref: string, inputs?: Record<string, string>) =>
      statusOf(octokit.rest.actions.createWorkflowDispatch({ ...ci, workflow_id, ref, ...(inputs ? { inputs } : {}) }));
    expect((await refused("nope.yml", "main")).status).toBe(404);
    expect(await refused("deploy.yml", "nope", { environment: "staging" })).toEqual({
      status: 422,
      message: "No ref found for: nope",
    });
    expect(await refused("lint.yml", "main")).toEqual({
      status: 422,
      message: "Workflow does not have 'workflow_dispatch' trigger",
    });
    expect(await refused("deploy.yml", "main", {})).toEqual({
      status: 422,
      message: "Required input 'environment' not provided",
    });
    expect((await refused("deploy.yml", "main", { environment: "staging", color: "red" })).message).toBe(
      'Unexpected inputs provided: ["color"]',
    );
    expect((await refused("deploy.yml", "main", { environment: "qa" })).message).toMatch(
      /not in the list of allowed values/,
    );
    expect((await refused("deploy.yml", "main", { environment: "staging", dry_run: "yes" })).status).toBe(422);
    expect((await refused("deploy.yml", "main", { environment: "staging", replicas: "many" })).status).toBe(422);
    const readOnly = checkedClient(github.url, "ghp_read_only_token");
    expect(
      (await statusOf(readOnly.rest.actions.createWorkflowDispatch({ ...ci, inputs: { environment: "staging" } })))
        .status,
    ).toBe(403);
    expect(github.dispatches()).toHaveLength(2);
  });

  it("creates an issue numbered after the repository's issues and pull requests, with its labels", async () => {
    const { data, status, headers } = await octokit.rest.issues.create({
      ...repo,
      title: "Flaky start",
      body: "Sometimes.",
      labels: ["QUESTION"],
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({ number: 10, title: "Flaky start", body: "Sometimes.", state: "open" });
    expect(data.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["question"]);
    expect(headers.location).toBe(data.url);
    expect((await octokit.rest.issues.get({ ...repo, issue_number: 10 })).data.title).toBe("Flaky start");
  });

  it("refuses issues GitHub refuses: no title or one too long 422, unknown repository 404, read-only token 403", async () => {
    expect((await statusOf(octokit.rest.issues.create({ ...repo, title: "" }))).status).toBe(422);
    expect((await statusOf(octokit.rest.issues.create({ ...repo, title: "x".repeat(257) }))).status).toBe(422);
    expect((await statusOf(octokit.rest.issues.create({ owner: "octo", repo: "nope", title: "t" }))).status).toBe(404);
    const readOnly = checkedClient(github.url, "ghp_read_only_token");
    expect((await statusOf(readOnly.rest.issues.create({ ...repo, title: "t" }))).status).toBe(403);
  });

  it("edits and deletes a comment, and refuses what GitHub refuses: another repository's or a missing comment 404, no body 422, read-only token 403", async () => {
    const seeded = github.addComment({ ...repo, issue_number: 7, body: "Summary at aaaaaaa." });
    const { data } = await octokit.rest.issues.updateComment({ ...repo, comment_id: seeded.id, body: "Summary at b." });
    expect(data).toMatchObject({ id: seeded.id, body: "Summary at b.", html_url: seeded.html_url });
    expect(
      github
        .comments("octo", "app", 7)
        .filter((c) => c.id === seeded.id)
        .map((c) => c.body),
    ).toEqual(["Summary at b."]);
    const edit = (comment_id: number, body: string, client = octokit, where = repo) =>
      statusOf(client.rest.issues.updateComment({ ...where, comment_id, body }));
    expect((await edit(seeded.id, "x", octokit, { owner: "octo", repo: "other" })).status).toBe(404);
    expect((await edit(999_999_999, "x")).status).toBe(404);
    expect((await edit(seeded.id, "")).status).toBe(422);
    expect((await edit(seeded.id, "x", checkedClient(github.url, "ghp_read_only_token"))).status).toBe(403);
    expect(github.comments("octo", "app", 7).find((c) => c.id === seeded.id)?.body).toBe("Summary at b.");

    // Someone deletes it: 204, then it is gone for edits and deletes alike.
    const remove = (client = octokit) => statusOf(client.rest.issues.deleteComment({ ...repo, comment_id: seeded.id }));
    expect((await remove(checkedClient(github.url, "ghp_read_only_token"))).status).toBe(403);
    expect((await octokit.rest.issues.deleteComment({ ...repo, comment_id: seeded.id })).status).toBe(204);
    expect(github.comments("octo", "app", 7).map((c) => c.id)).not.toContain(seeded.id);
    expect((await remove()).status).toBe(404);
    expect((await edit(seeded.id, "x")).status).toBe(404);
  });

  it("checked every answer above against GitHub's description", () => {
    expect(new Set(checked.map((c) => c.replace(/ \d+$/, "")))).toEqual(
      new Set([
        "GET /repos/{owner}/{repo}/issues/{issue_number}",
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
        "GET /repos/{owner}/{repo}/labels",
        "GET /repos/{owner}/{repo}/labels/{name}",
        "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
        "GET /repos/{owner}/{repo}/issues/{issue_number}/labels",
        "GET /search/issues",
        "GET /repos/{owner}/{repo}/pulls/{pull_number}",
        "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
        "GET /repos/{owner}/{repo}/contents/{path}",
        "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
        "POST /repos/{owner}/{repo}/issues",
        "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
        "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
      ]),
    );
  });
});
