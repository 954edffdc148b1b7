import { createHash } from "node:crypto";
import { repositoryJson } from "./repository-json.ts";
import {
  linkHeader,
  notFound,
  pageOf,
  parseNumber,
  type Answer,
  type KitIssue,
  type KitRepo,
  type KitRequest,
  type KitUser,
  type StandInKit,
} from "./stand-in-kit.ts";

/** Pull requests (GET /repos/{o}/{r}/pulls/{n} and its /files), numbered with the issues as on GitHub. */

export interface StandInPullFile {
  filename: string;
  status?: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  additions?: number;
  deletions?: number;
  /** Left out for binary files and for diffs GitHub finds too large, as GitHub does. */
  patch?: string;
  previous_filename?: string;
}

export interface StandInPull {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string | null;
  state?: "open" | "closed";
  merged?: boolean;
  draft?: boolean;
  user?: { login: string };
  head?: { ref: string; sha?: string };
  base?: { ref: string; sha?: string };
  files?: StandInPullFile[];
  commits?: number;
  labels?: string[];
}

interface Pull {
  issue: KitIssue;
  merged: boolean;
  draft: boolean;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  files: StandInPullFile[];
  commits: number;
}

const docs = {
  get: "https://docs.github.com/rest/pulls/pulls#get-a-pull-request",
  files: "https://docs.github.com/rest/pulls/pulls#list-pull-requests-files",
};
// GitHub lists at most 3000 files of a pull request.
const maxFiles = 3000;
const sha = (text: string) => createHash("sha1").update(text).digest("hex");

export function createPulls(
  kit: StandInKit,
  seedIssue: (issue: Omit<KitIssue, "id" | "created_at" | "updated_at" | "closed_at">) => KitIssue,
) {
  const pulls = new Map<KitIssue, Pull>();

  function fileJson(repo: KitRepo, pull: Pull, file: StandInPullFile) {
    const additions = file.additions ?? 0;
    const deletions = file.deletions ?? 0;
    const path = file.filename.split("/").map(encodeURIComponent).join("/");
    return {
      sha: sha(`${pull.head.sha}:${file.filename}`),
      filename: file.filename,
      status: file.status ?? "modified",
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `https://github.com/${repo.owner}/${repo.name}/blob/${pull.head.sha}/${path}`,
      raw_url: `https://github.com/${repo.owner}/${repo.name}/raw/${pull.head.sha}/${path}`,
      contents_url: `${kit.base()}/repos/${repo.owner}/${repo.name}/contents/${path}?ref=${pull.head.sha}`,
      ...(file.patch === undefined ? {} : { patch: file.patch }),
      ...(file.previous_filename === undefined ? {} : { previous_filename: file.previous_filename }),
    };
  }

  function branchJson(repo: KitRepo, branch: { ref: string; sha: string }, owner: KitUser) {
    return {
      label: `${repo.owner}:${branch.ref}`,
      ref: branch.ref,
      sha: branch.sha,
      user: kit.userJson(owner),
      repo: repositoryJson(kit.base(), repo, kit.userJson(owner), "main"),
    };
  }

  function pullJson(repo: KitRepo, pull: Pull) {
    const { issue } = pull;
    const issueJson = kit.issueJson(issue);
    const api = `${kit.base()}/repos/${repo.owner}/${repo.name}`;
    const html = `https://github.com/${repo.owner}/${repo.name}/pull/${issue.number}`;
    const repoOwner = kit.user(repo.owner, "Organization");
    const link = (href: string) => ({ href });
    const additions = pull.files.reduce((sum, f) => sum + (f.additions ?? 0), 0);
    const deletions = pull.files.reduce((sum, f) => sum + (f.deletions ?? 0), 0);
    return {
      ...Object.fromEntries(
        [
          "id",
          "node_id",
          "number",
          "title",
          "user",
          "body",
          "labels",
          "state",
          "locked",
          "milestone",
          "assignee",
          "assignees",
          "created_at",
          "updated_at",
          "closed_at",
          "author_association",
          "active_lock_reason",
        ].map((k) => [k, issueJson[k]]),
      ),
      url: `${api}/pulls/${issue.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${issue.number}`,
      commits_url: `${api}/pulls/${issue.number}/commits`,
      review_comments_url: `${api}/pulls/${issue.number}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${issue.number}/comments`,
      statuses_url: `${api}/statuses/${pull.head.sha}`,
      requested_reviewers: [],
      requested_teams: [],
      head: branchJson(repo, pull.head, repoOwner),
      base: branchJson(repo, pull.base, repoOwner),
      _links: {
        self: link(`${api}/pulls/${issue.number}`),
        html: link(html),
        issue: link(`${api}/issues/${issue.number}`),
        comments: link(`${api}/issues/${issue.number}/comments`),
        review_comments: link(`${api}/pulls/${issue.number}/comments`),
        review_comment: link(`${api}/pulls/comments{/number}`),
        commits: link(`${api}/pulls/${issue.number}/commits`),
        statuses: link(`${api}/statuses/${pull.head.sha}`),
      },
      draft: pull.draft,
      merged: pull.merged,
      merged_at: pull.merged ? issue.closed_at : null,
      merge_commit_sha: pull.merged ? sha(`merge:${pull.head.sha}`) : null,
      mergeable: pull.issue.state === "open" ? true : null,
      mergeable_state: pull.issue.state === "open" ? "clean" : "unknown",
      merged_by: null,
      auto_merge: null,
      comments: issueJson.comments,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: pull.commits,
      additions,
      deletions,
      changed_files: pull.files.length,
    };
  }

  function route(request: KitRequest): Answer | undefined {
    const [first, owner = "", name = "", kind, numberText, fifth, ...rest] = request.segments;
    if (first !== "repos" || kind !== "pulls" || request.method !== "GET" || rest.length > 0) return undefined;
    if (fifth !== undefined && fifth !== "files") return undefined;
    const number = parseNumber(numberText);
    if (number === undefined) return undefined;
    const repo = kit.findRepo(owner, name);
    const issue = repo?.issues.get(number);
    const pull = issue ? pulls.get(issue) : undefined;
    if (!repo || !pull) return notFound(fifth === "files" ? docs.files : docs.get);
    if (fifth === undefined) return { status: 200, body: pullJson(repo, pull) };
    const { perPage, page } = pageOf(request.url);
    const files = pull.files.slice(0, maxFiles);
    const lastPage = Math.max(Math.ceil(files.length / perPage), 1);
    return {
      status: 200,
      body: files.slice((page - 1) * perPage, page * perPage).map((f) => fileJson(repo, pull, f)),
      headers: linkHeader(kit.base(), request.url, page, lastPage),
    };
  }

  return {
    route,
    /** What an issue that is a pull request carries in GitHub's issue shape. */
    issueField(issue: KitIssue): Record<string, unknown> {
      const pull = pulls.get(issue);
      if (!pull) return {};
      const api = `${kit.base()}/repos/${issue.owner}/${issue.repo}`;
      const html = `https://github.com/${issue.owner}/${issue.repo}/pull/${issue.number}`;
      const mergedAt = pull.merged ? issue.closed_at : null;
      return {
        pull_request: {
          url: `${api}/pulls/${issue.number}`,
          html_url: html,
          diff_url: `${html}.diff`,
          patch_url: `${html}.patch`,
          merged_at: mergedAt,
        },
      };
    },
    addPullRequest(seed: StandInPull) {
      const merged = seed.merged ?? false;
      const issue = seedIssue({
        owner: seed.owner,
        repo: seed.repo,
        number: seed.number,
        title: seed.title,
        body: seed.body,
        state: merged ? "closed" : (seed.state ?? "open"),
        labels: [...(seed.labels ?? [])],
        user: kit.user(seed.user?.login ?? "octocat"),
        author_association: "CONTRIBUTOR",
        pullRequest: true,
      });
      const head = seed.head ?? { ref: `feature-${seed.number}` };
      const base = seed.base ?? { ref: "main" };
      pulls.set(issue, {
        issue,
        merged,
        draft: seed.draft ?? false,
        head: { ref: head.ref, sha: head.sha ?? sha(`head:${seed.owner}/${seed.repo}#${seed.number}`) },
        base: { ref: base.ref, sha: base.sha ?? sha(`base:${seed.owner}/${seed.repo}#${seed.number}`) },
        files: [...(seed.files ?? [])],
        commits: seed.commits ?? 1,
      });
    },
  };
}
