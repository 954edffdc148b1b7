import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac, createVerify, randomBytes, randomUUID } from "node:crypto";
import { createContents, type StandInFile } from "./github/contents.ts";
import { createLabels, type StandInLabel } from "./github/labels.ts";
import { createPulls, type StandInPull } from "./github/pulls.ts";
import { createIssueWrites } from "./github/issue-writes.ts";
import {
  createReviews,
  type StandInReview,
  type StandInReviewComment,
  type StandInReviewCommentCopy,
} from "./github/reviews.ts";
import { createSearch } from "./github/search.ts";
import { createWorkflows, type StandInDispatch } from "./github/workflows.ts";
import type { StandInKit } from "./github/stand-in-kit.ts";
import { createGitHubOAuthStandIn, type StandInOAuthApp } from "./github-oauth-stand-in.ts";

/**
 * A stand-in for the few GitHub REST endpoints this project calls, as a real
 * HTTP server on loopback. It refuses what api.github.com refuses (no
 * User-Agent, no or bad token, bad bodies, missing issues) with GitHub's status
 * and message, so a mistake fails the test instead of passing quietly. Any other
 * route answers 404 and lands in `unexpected`, which tests assert stays empty.
 * Where the real API is looser, the choice is noted next to the code.
 */

export interface StandInIssue {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string | null;
  state?: "open" | "closed";
  labels?: string[];
  user?: { login: string; type?: "User" | "Bot" };
  author_association?: string;
}

export interface StandInComment {
  id: number;
  owner: string;
  repo: string;
  issue_number: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
  created_at: string;
  updated_at: string;
}

export interface RecordedRequest {
  method: string;
  /** The path as sent, without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the body was JSON, the raw text otherwise, undefined when empty. */
  body: unknown;
  status: number;
}

export type FaultKind =
  "server-error" | "bad-gateway" | "secondary-rate-limit" | "primary-rate-limit" | "too-many-requests";

export interface HoldFilter {
  method?: string;
  pathIncludes?: string;
  before?: boolean;
}

/** The parts of a webhook payload (issues.*, issue_comment.*) that seed an issue. */
export interface IssuePayload {
  repository: { name: string; owner: { login: string } };
  issue: {
    id?: number;
    number: number;
    title: string;
    body?: string | null;
    state?: string;
    labels?: Array<{ name: string }>;
    user?: { login: string; type?: string } | null;
    author_association?: string;
    created_at?: string;
    updated_at?: string;
    closed_at?: string | null;
  };
}

export interface GitHubStandIn {
  /** API base URL, no trailing slash: give it to Octokit as `baseUrl`. */
  url: string;
  /** Login of the default token's user. */
  login: string;
  /** Seeds an issue; seeding the same number again replaces its fields (like an edit) and keeps its comments. */
  addIssue(issue: StandInIssue): void;
  addIssueFromPayload(payload: IssuePayload): void;
  /** Seeds a repository label (an issue's labels exist in its repository without this). */
  addLabel(label: StandInLabel): void;
  /** Seeds a pull request, numbered with the repository's issues; seeding it again replaces it. */
  addPullRequest(pull: StandInPull): void;
  /** Seeds a file on a branch ("main" unless given) for the contents endpoint. */
  addFile(file: StandInFile): void;
  /** The commit sha a branch points at (it changes with the branch's files); usable as a `ref`. */
  headSha(owner: string, repo: string, branch?: string): string;
  /** Seeds a comment by someone else (or by the bot, from an earlier run). */
  addComment(comment: {
    owner: string;
    repo: string;
    issue_number: number;
    body: string;
    user?: { login: string; type?: string };
    /** A recorded payload's comment id, so the relay can read that comment back. */
    id?: number;
  }): StandInComment;
  /** Edits an issue comment as its author would (GitHub sends issue_comment.edited; the stand-in sends nothing). */
  editComment(commentId: number, body: string): void;
  /** Deletes an issue comment as its author would. */
  deleteComment(commentId: number): void;
  /** Seeds a submitted review of a pull request (a recorded payload's id, or a new one); returns its id. */
  addReview(review: StandInReview): number;
  /** Seeds a review comment (a thread's first, or a reply with `in_reply_to_id`). */
  addReviewComment(comment: StandInReviewComment): StandInReviewCommentCopy;
  editReview(reviewId: number, body: string): void;
  editReviewComment(commentId: number, body: string): void;
  deleteReviewComment(commentId: number): void;
  /** Current review comments on that pull request, oldest first (copies). */
  reviewComments(owner: string, repo: string, pullNumber: number): StandInReviewCommentCopy[];
  /** Workflow runs started through the dispatches endpoint, oldest first (copies). */
  dispatches(): StandInDispatch[];
  /** Current comments on that issue, oldest first (copies). */
  comments(owner: string, repo: string, issueNumber: number): StandInComment[];
  allComments(): StandInComment[];
  requests: RecordedRequest[];
  unexpected: RecordedRequest[];
  /** The next `count` requests matching the filter (method, and a substring of the path with its query) get the fault. */
  failNext(count: number, kind: FaultKind, filter?: { method?: string; pathIncludes?: string }): void;
  /**
   * The next request matching the filter is carried out, but its answer is held until `release()`:
   * a caller that dies meanwhile never learns that GitHub did it. With `before`, the request itself
   * is held (still on its way to GitHub) and carried out on release. `arrived` resolves once it came.
   */
  holdNext(filter: HoldFilter): { arrived: Promise<void>; release(): void };
  /** Installation tokens handed out (POST /app/installations/{id}/access_tokens). */
  readonly installationTokensIssued: number;
  /** Revokes every installation token handed out so far (as DELETE /installation/token does); they answer 401 from now on. */
  revokeInstallationTokens(): void;
  /** The OAuth App's callback URL (the tool server's, known once it listens). */
  setOAuthCallbackUrl(url: string): void;
  /** Comments refused for going past `contentLimits`. */
  readonly contentLimitHits: number;
  /** Reports this x-ratelimit-remaining to authenticated callers from now on (null: 5000 minus their requests this hour). */
  reportRateLimitRemaining(remaining: number | null): void;
  /** A repository webhook that sends to `url`, signed with `secret`; returns its id. */
  addHook(hook: { owner: string; repo: string; url: string; secret: string }): number;
  /** The GitHub App's own webhook (needs the `app` option); returns its id. */
  addAppHook(hook: { url: string; secret: string }): number;
  /** GitHub sending one event to the hook now: signed, logged as OK or failed as GitHub logs it. */
  sendHookDelivery(hookId: number, event: string, payload: unknown): Promise<HookDelivery>;
  /** The hook's delivery log, newest first. */
  hookDeliveries(hookId: number): HookDelivery[];
  close(): Promise<void>;
}

export interface GitHubStandInOptions {
  token?: string;
  login?: string;
  /** Tokens that authenticate as `login` but whose writes GitHub refuses (403). */
  readOnlyTokens?: string[];
  /** More tokens, each acting as another user: token → login. */
  otherTokens?: Record<string, string>;
  /**
   * GitHub's content-creation limits (80 a minute, 500 an hour per token),
   * with windows a test can shorten. Comments past a limit get the secondary
   * rate limit 403. Off unless given.
   */
  contentLimits?: Array<{ max: number; windowMs: number }>;
  /** A GitHub App whose JWTs (RS256, signed with the private key of `publicKey`) are accepted. */
  app?: StandInApp;
  /** An OAuth App people sign in with (/login/oauth/*); their tokens act as them. */
  oauthApp?: StandInOAuthApp;
  /** Private repositories (owner/repo): a signed-in person's token sees one only when their user is given it. */
  privateRepos?: string[];
}

export interface StandInApp {
  id: number;
  publicKey: string;
  /** The app's slug; its bot posts as `<slug>[bot]`. */
  slug?: string;
  /** Where the app is installed: each installation covers these owner/repo names. */
  installations?: Array<{
    id: number;
    account: string;
    repositories: string[];
    /** What the installation was granted; GitHub's app default here is Issues write and Metadata read. */
    permissions?: Record<string, "read" | "write">;
  }>;
  /** How long an installation token lives (GitHub: one hour); tests shorten it. */
  tokenTtlMs?: number;
}

interface Hook {
  id: number;
  owner: string;
  repo: string;
  url: string;
  secret: string;
  app?: boolean;
}

/** One attempt GitHub made to deliver to a hook, as its delivery log shows it. */
export interface HookDelivery {
  id: number;
  guid: string;
  hookId: number;
  delivered_at: string;
  redelivery: boolean;
  duration: number;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  payload: string;
}

interface User {
  login: string;
  id: number;
  type: string;
}

interface Issue {
  id: number;
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  labels: string[];
  user: User;
  author_association: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  pullRequest?: boolean;
}

interface Comment {
  id: number;
  issue: Issue;
  body: string;
  user: User;
  created_at: string;
  updated_at: string;
}

interface Repo {
  id: number;
  owner: string;
  name: string;
  issues: Map<number, Issue>;
}

interface Caller {
  user: User;
  canWrite: boolean;
  token: string;
  /** Authenticated as the GitHub App itself (a JWT), which may use only /app endpoints. */
  app?: boolean;
  /** An installation token: the repositories (owner/repo, lower case) it may touch, and when it expires. */
  installation?: { id: number; repositories: Set<string>; expiresAt: number };
  /** A person's token from the OAuth App: the private repositories (owner/repo, lower case) they can see, and its end. */
  person?: { repositories: Set<string>; expiresAt: number | null };
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Bodies that are not JSON (GitHub's proxies answer some errors in HTML). */
  raw?: { contentType: string; text: string };
}

interface FaultRule {
  remaining: number;
  kind: FaultKind;
  method: string | undefined;
  pathIncludes: string | undefined;
}

const defaultToken = "ghp_standin_token_0123456789";
const defaultLogin = "openwebui-ai-bot";
const maxBodyBytes = 1024 * 1024;
// Past this, an oversized body is no longer drained but the connection dropped.
const maxDrainBytes = 16 * 1024 * 1024;
const maxCommentLength = 65_536;
const hourlyLimit = 5000;

const docs = {
  root: "https://docs.github.com/rest",
  authenticated: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
  getIssue: "https://docs.github.com/rest/issues/issues#get-an-issue",
  listComments: "https://docs.github.com/rest/issues/comments#list-issue-comments",
  createComment: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
  updateComment: "https://docs.github.com/rest/issues/comments#update-an-issue-comment",
  getComment: "https://docs.github.com/rest/issues/comments#get-an-issue-comment",
  deleteComment: "https://docs.github.com/rest/issues/comments#delete-an-issue-comment",
  secondary: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
  primary: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit",
};

function githubError(
  status: number,
  message: string,
  documentationUrl: string,
  extra: Record<string, unknown> = {},
): Answer {
  return { status, body: { message, ...extra, documentation_url: documentationUrl, status: String(status) } };
}

const notFound = (documentationUrl: string) => githubError(404, "Not Found", documentationUrl);

/** GitHub's timestamps have whole seconds; each one handed out is later than the last, so an edit always changes `updated_at`. */
function createClock() {
  let last = 0;
  return () => {
    last = Math.max(Math.floor(Date.now() / 1000), last + 1);
    return new Date(last * 1000).toISOString().replace(".000Z", "Z");
  };
}

// GitHub refuses numbers like "abc", "0" or "07" in these paths.
function parseId(segment: string | undefined): number | undefined {
  return segment !== undefined && /^[1-9]\d{0,15}$/.test(segment) ? Number(segment) : undefined;
}

function copyComment(comment: Comment): StandInComment {
  const { issue } = comment;
  return {
    id: comment.id,
    owner: issue.owner,
    repo: issue.repo,
    issue_number: issue.number,
    body: comment.body,
    user: { login: comment.user.login, type: comment.user.type },
    html_url: `https://github.com/${issue.owner}/${issue.repo}/issues/${issue.number}#issuecomment-${comment.id}`,
    created_at: comment.created_at,
    updated_at: comment.updated_at,
  };
}

export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  const token = options.token ?? defaultToken;
  const login = options.login ?? defaultLogin;
  const now = createClock();
  const repos = new Map<string, Repo>();
  const comments = new Map<number, Comment>();
  const users = new Map<string, User>();
  const faults: FaultRule[] = [];
  const holds: Array<HoldFilter & { hold: (go: () => void) => void }> = [];
  /** Takes the first hold for the request at that stage: it gets what to do on release. */
  function takeHold(req: IncomingMessage, before: boolean) {
    const method = (req.method ?? "GET").toUpperCase();
    const index = holds.findIndex(
      (h) =>
        (h.before ?? false) === before &&
        (h.method === undefined || h.method === method) &&
        (h.pathIncludes === undefined || (req.url ?? "").includes(h.pathIncludes)),
    );
    return index === -1 ? undefined : holds.splice(index, 1)[0]!.hold;
  }
  const requests: RecordedRequest[] = [];
  const unexpected: RecordedRequest[] = [];
  const used = new Map<string, number>();
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  let reportedRemaining: number | null = null;
  let nextRepoId = 700_000_001;
  let nextIssueId = 2_000_000_001;
  let nextCommentId = 1_000_001;
  const contentCreated: number[] = [];
  let contentLimitHits = 0;
  let installationTokensIssued = 0;
  const hooks = new Map<number, Hook>();
  const hookDeliveries: HookDelivery[] = [];
  let nextHookId = 480_000_001;
  let nextHookDeliveryId = 9_000_000_001;
  let nextUserId = 1;
  let base = "";

  function user(name: string, type = "User"): User {
    const key = name.toLowerCase();
    let found = users.get(key);
    if (!found) {
      found = { login: name, id: nextUserId++, type };
      users.set(key, found);
    }
    return found;
  }

  const tokens = new Map<string, Caller>();
  tokens.set(token, { user: user(login), canWrite: true, token });
  for (const readOnly of options.readOnlyTokens ?? [])
    tokens.set(readOnly, { user: user(login), canWrite: false, token: readOnly });
  for (const [other, otherLogin] of Object.entries(options.otherTokens ?? {}))
    tokens.set(other, { user: user(otherLogin), canWrite: true, token: other });

  // Endpoint groups kept in stand-ins/github/, each with its own seeds.
  const kit: StandInKit = { base: () => base, now, user, userJson, findRepo, repoFor, issueJson };
  const labelGroup = createLabels(kit);
  const pullGroup = createPulls(kit, (fields) => {
    seed(fields);
    return findIssue(fields.owner, fields.repo, fields.number)!;
  });
  const searchGroup = createSearch(kit, () => [...repos.values()].flatMap((r) => [...r.issues.values()]));
  const contentGroup = createContents(kit);
  const workflowGroup = createWorkflows(kit, contentGroup);
  const issueWriteGroup = createIssueWrites(kit, {
    store(fields) {
      seed(fields);
      return findIssue(fields.owner, fields.repo, fields.number)!;
    },
    ensureLabels: (repo, names) => labelGroup.ensure(repo, names),
    contentLimited,
  });
  const reviewGroup = createReviews(kit, {
    findPull: (owner, repo, number) => {
      const issue = findIssue(owner, repo, number);
      return issue?.pullRequest ? issue : undefined;
    },
    contentLimited,
  });
  const groups = [labelGroup, pullGroup, searchGroup, contentGroup, workflowGroup, issueWriteGroup, reviewGroup];

  // Comments and issues count against one content-creation limit, as on GitHub; a write under it is counted.
  function contentLimited(): Answer | undefined {
    const at = Date.now();
    const limited = (options.contentLimits ?? []).some(
      (limit) => contentCreated.filter((t) => t > at - limit.windowMs).length >= limit.max,
    );
    if (!limited) {
      contentCreated.push(at);
      return undefined;
    }
    contentLimitHits++;
    return {
      ...githubError(
        403,
        "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.",
        docs.secondary,
      ),
      headers: { "retry-after": "1" },
    };
  }
  const privateRepos = new Set((options.privateRepos ?? []).map((name) => name.toLowerCase()));
  const oauthApp = options.oauthApp ? { ...options.oauthApp } : undefined;
  const oauth = oauthApp
    ? createGitHubOAuthStandIn(oauthApp, (personLogin, expiresAt) => {
        const issued = `${expiresAt === null ? "gho" : "ghu"}_${randomBytes(18).toString("hex")}`;
        const repositories = new Set((oauthApp.users[personLogin]?.repos ?? []).map((name) => name.toLowerCase()));
        const person = { repositories, expiresAt };
        tokens.set(issued, { user: user(personLogin), canWrite: true, token: issued, person });
        return issued;
      })
    : undefined;

  // Owner and repository names are case-insensitive on GitHub.
  function findRepo(owner: string, name: string): Repo | undefined {
    return repos.get(`${owner}/${name}`.toLowerCase());
  }

  function repoFor(owner: string, name: string): Repo {
    let repo = findRepo(owner, name);
    if (!repo) {
      repo = { id: nextRepoId++, owner, name, issues: new Map() };
      repos.set(`${owner}/${name}`.toLowerCase(), repo);
    }
    return repo;
  }

  function findIssue(owner: string, name: string, number: number): Issue | undefined {
    return findRepo(owner, name)?.issues.get(number);
  }

  function issueComments(issue: Issue): Comment[] {
    return [...comments.values()].filter((comment) => comment.issue === issue);
  }

  function seed(
    fields: Omit<Issue, "id" | "created_at" | "updated_at" | "closed_at"> & {
      id?: number;
      created_at?: string;
      updated_at?: string;
      closed_at?: string | null;
    },
  ): void {
    if (!Number.isInteger(fields.number) || fields.number < 1)
      throw new Error(`github stand-in: issue number must be a positive integer, got ${fields.number}`);
    const repo = repoFor(fields.owner, fields.repo);
    labelGroup.ensure(repo, fields.labels);
    const previous = repo.issues.get(fields.number);
    const stamp = now();
    const issue: Issue = {
      ...fields,
      owner: repo.owner,
      repo: repo.name,
      id: fields.id ?? previous?.id ?? nextIssueId++,
      created_at: fields.created_at ?? previous?.created_at ?? stamp,
      updated_at: fields.updated_at ?? stamp,
      closed_at: fields.closed_at ?? (fields.state === "closed" ? stamp : null),
    };
    if (previous) {
      // Keep the comments attached: they point at the issue object.
      Object.assign(previous, issue);
    } else {
      repo.issues.set(issue.number, issue);
    }
  }

  function userJson(u: User) {
    return {
      login: u.login,
      id: u.id,
      node_id: `U_standin${u.id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
      gravatar_id: "",
      url: `${base}/users/${u.login}`,
      html_url: `https://github.com/${u.login}`,
      ...Object.fromEntries(
        [
          ["followers", ""],
          ["following", "{/other_user}"],
          ["gists", "{/gist_id}"],
          ["starred", "{/owner}{/repo}"],
          ["subscriptions", ""],
          ["organizations", ""],
          ["repos", ""],
          ["events", "{/privacy}"],
          ["received_events", ""],
        ].map(([name, template]) => [`${name}_url`, `${base}/users/${u.login}/${name}${template}`]),
      ),
      type: u.type,
      site_admin: false,
    };
  }

  function issueJson(issue: Issue) {
    const api = `${base}/repos/${issue.owner}/${issue.repo}`;
    const repo = repoFor(issue.owner, issue.repo);
    return {
      url: `${api}/issues/${issue.number}`,
      repository_url: api,
      labels_url: `${api}/issues/${issue.number}/labels{/name}`,
      comments_url: `${api}/issues/${issue.number}/comments`,
      events_url: `${api}/issues/${issue.number}/events`,
      html_url: `https://github.com/${issue.owner}/${issue.repo}/issues/${issue.number}`,
      id: issue.id,
      node_id: `I_standin${issue.id}`,
      number: issue.number,
      title: issue.title,
      user: userJson(issue.user),
      labels: issue.labels.map((name) => labelGroup.labelJson(repo, name)),
      state: issue.state,
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: issueComments(issue).length,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      author_association: issue.author_association,
      active_lock_reason: null,
      body: issue.body,
      closed_by: null,
      reactions: reactionsJson(`${api}/issues/${issue.number}/reactions`),
      timeline_url: `${api}/issues/${issue.number}/timeline`,
      performed_via_github_app: null,
      state_reason: issue.state === "closed" ? "completed" : null,
      ...pullGroup.issueField(issue),
    };
  }

  function reactionsJson(url: string) {
    return { url, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
  }

  function commentJson(comment: Comment) {
    const { issue } = comment;
    const api = `${base}/repos/${issue.owner}/${issue.repo}`;
    return {
      url: `${api}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${issue.owner}/${issue.repo}/issues/${issue.number}#issuecomment-${comment.id}`,
      issue_url: `${api}/issues/${issue.number}`,
      id: comment.id,
      node_id: `IC_standin${comment.id}`,
      user: userJson(comment.user),
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      author_association: comment.user.login.toLowerCase() === issue.owner.toLowerCase() ? "OWNER" : "NONE",
      body: comment.body,
      reactions: reactionsJson(`${api}/issues/comments/${comment.id}/reactions`),
      performed_via_github_app: null,
    };
  }

  function rateLimitHeaders(caller: Caller | undefined): Record<string, string> {
    const count = caller ? (used.get(caller.token) ?? 0) : 0;
    const limit = caller ? hourlyLimit : 60;
    return {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(
        caller && reportedRemaining !== null ? reportedRemaining : Math.max(limit - count, 0),
      ),
      "x-ratelimit-reset": String(resetAt),
      "x-ratelimit-used": String(count),
      "x-ratelimit-resource": "core",
    };
  }

  function fault(kind: FaultKind, caller: Caller): Answer {
    const requestNote = "If you reach out to GitHub Support for help, please include the request ID.";
    switch (kind) {
      case "server-error":
        return { status: 500, body: { message: "Server Error" } };
      case "bad-gateway":
        // GitHub's front end answers 502 with a page, not JSON.
        return {
          status: 502,
          body: null,
          raw: {
            contentType: "text/html; charset=utf-8",
            text: "<html><body><h1>502 Bad Gateway</h1></body></html>\n",
          },
        };
      case "secondary-rate-limit":
      case "too-many-requests":
        // GitHub sends its secondary-limit message with a 403 or a 429.
        return {
          status: kind === "too-many-requests" ? 429 : 403,
          body: {
            message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ${requestNote}`,
            documentation_url: docs.secondary,
            status: kind === "too-many-requests" ? "429" : "403",
          },
          headers: { "retry-after": "1" },
        };
      case "primary-rate-limit":
        return primaryLimit(caller, Math.ceil(Date.now() / 1000) + 1);
    }
  }

  function primaryLimit(caller: Caller, reset: number): Answer {
    return {
      ...githubError(
        403,
        `API rate limit exceeded for user ID ${caller.user.id}. If you reach out to GitHub Support for help, please include the request ID.`,
        docs.primary,
      ),
      headers: {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(reset),
        "x-ratelimit-used": String(hourlyLimit),
      },
    };
  }

  function takeFault(method: string, target: string): FaultKind | undefined {
    const rule = faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method === method) &&
        (f.pathIncludes === undefined || target.includes(f.pathIncludes)),
    );
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining === 0) faults.splice(faults.indexOf(rule), 1);
    return rule.kind;
  }

  function authenticate(headers: IncomingHttpHeaders): Caller | Answer {
    const header = headers.authorization;
    if (header === undefined || header.trim() === "")
      return githubError(401, "Requires authentication", docs.authenticated);
    const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] !== undefined && options.app && match[1].split(".").length === 3) return appCaller(match[1]);
    const caller = match?.[1] === undefined ? undefined : tokens.get(match[1]);
    const expiresAt = caller?.installation?.expiresAt ?? caller?.person?.expiresAt ?? null;
    if (expiresAt !== null && expiresAt <= Date.now()) return githubError(401, "Bad credentials", docs.root);
    return caller ?? githubError(401, "Bad credentials", docs.root);
  }

  /** Checks an app JWT as GitHub does: RS256 signature, iss = app id, not expired, at most 10 minutes long. */
  function appCaller(jwt: string): Caller | Answer {
    const app = options.app!;
    const [head, claims, signature] = jwt.split(".") as [string, string, string];
    const refuse = (why: string) =>
      githubError(401, `A JSON web token could not be decoded (stand-in: ${why})`, docs.root);
    try {
      const header = JSON.parse(Buffer.from(head, "base64url").toString()) as { alg?: string };
      if (header.alg !== "RS256") return refuse("alg must be RS256");
      if (
        !createVerify("RSA-SHA256")
          .update(`${head}.${claims}`)
          .verify(app.publicKey, Buffer.from(signature, "base64url"))
      )
        return refuse("bad signature");
      const body = JSON.parse(Buffer.from(claims, "base64url").toString()) as {
        iss?: unknown;
        exp?: number;
        iat?: number;
      };
      const nowSeconds = Math.floor(Date.now() / 1000);
      if (String(body.iss) !== String(app.id)) return refuse("iss is not the app id");
      if (typeof body.exp !== "number" || body.exp <= nowSeconds) return refuse("expired");
      if (typeof body.iat !== "number" || body.exp - body.iat > 600 || body.iat > nowSeconds + 60)
        return refuse("iat/exp out of range");
    } catch {
      return refuse("malformed");
    }
    return { user: user(`${app.slug ?? `app-${app.id}`}[bot]`, "Bot"), canWrite: false, token: "app-jwt", app: true };
  }

  /** GET /app, GET /repos/{o}/{r}/installation, POST /app/installations/{id}/access_tokens: JWT only. */
  function appRoute(method: string, segments: string[], raw: string, caller: Caller): Answer | undefined {
    const app = options.app!;
    const slug = app.slug ?? `app-${app.id}`;
    const installations = app.installations ?? [];
    const [first, second, third, fourth, fifth] = segments;
    const isRepoInstallation =
      first === "repos" && fourth === "installation" && fifth === undefined && segments.length === 4;
    const isApp = first === "app" && segments.length === 1;
    const isAccessTokens =
      first === "app" && second === "installations" && fourth === "access_tokens" && segments.length === 4;
    if (!isRepoInstallation && !isApp && !isAccessTokens) return undefined;
    if (!caller.app) return githubError(401, "A JSON web token could not be decoded", docs.root);
    if (isApp && method === "GET") {
      return {
        status: 200,
        body: {
          id: app.id,
          slug,
          node_id: `A_standin${app.id}`,
          name: slug,
          owner: userJson(user("app-owner", "Organization")),
          permissions: { issues: "write", metadata: "read" },
          events: ["issues"],
          installations_count: installations.length,
        },
      };
    }
    if (isRepoInstallation && method === "GET") {
      const key = `${second}/${third}`.toLowerCase();
      const found = installations.find((i) => i.repositories.some((r) => r.toLowerCase() === key));
      if (!found)
        return notFound(
          "https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app",
        );
      return {
        status: 200,
        body: {
          id: found.id,
          account: userJson(user(found.account, "Organization")),
          app_id: app.id,
          app_slug: slug,
          target_type: "Organization",
          repository_selection: "selected",
          permissions: found.permissions ?? { issues: "write", metadata: "read" },
        },
      };
    }
    if (isAccessTokens && method === "POST") {
      const docsUrl = "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app";
      const installation = installations.find((i) => i.id === parseId(third));
      if (!installation) return notFound(docsUrl);
      let body: { repositories?: unknown; permissions?: unknown } = {};
      if (raw !== "") {
        try {
          body = JSON.parse(raw) as typeof body;
        } catch {
          return githubError(400, "Problems parsing JSON", docsUrl);
        }
      }
      let covered = installation.repositories.map((r) => r.toLowerCase());
      if (body.repositories !== undefined) {
        // GitHub takes bare names here; each must be one the installation covers.
        if (!Array.isArray(body.repositories) || !body.repositories.every((r) => typeof r === "string"))
          return githubError(
            422,
            "Invalid request.\n\nFor 'properties/repositories', not an array of strings.",
            docsUrl,
          );
        const asked = (body.repositories as string[]).map((name) =>
          covered.find((r) => r.split("/")[1] === name.toLowerCase()),
        );
        if (asked.some((r) => r === undefined))
          return githubError(
            422,
            "There is at least one repository that does not exist or is not accessible to the parent installation.",
            docsUrl,
          );
        covered = asked as string[];
      }
      const granted: Record<string, string> = installation.permissions ?? { issues: "write", metadata: "read" };
      if (body.permissions !== undefined) {
        const asked = body.permissions as Record<string, unknown>;
        if (
          typeof asked !== "object" ||
          asked === null ||
          Object.entries(asked).some(
            ([name, level]) => !(name in granted) || (level === "write" && granted[name] !== "write"),
          )
        ) {
          return githubError(422, "The permissions requested are not granted to this installation.", docsUrl);
        }
      }
      const issued = `ghs_standin${randomBytes(16).toString("hex")}`;
      const expiresAt = Date.now() + (app.tokenTtlMs ?? 3_600_000);
      tokens.set(issued, {
        user: user(`${slug}[bot]`, "Bot"),
        canWrite: true,
        token: issued,
        installation: { id: installation.id, repositories: new Set(covered), expiresAt },
      });
      installationTokensIssued++;
      return {
        status: 201,
        body: {
          token: issued,
          expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
          permissions: (body.permissions as Record<string, string> | undefined) ?? granted,
          repository_selection: "selected",
          repositories: covered.map((r) => ({ name: r.split("/")[1], full_name: r })),
        },
      };
    }
    return undefined;
  }

  /** DELETE of an issue comment: 204, or 404 when the repository does not hold it. */
  function deleteComment(owner: string, repoName: string, commentId: number, caller: Caller): Answer {
    if (!caller.canWrite)
      return githubError(403, "Resource not accessible by personal access token", docs.deleteComment);
    const comment = comments.get(commentId);
    const repo = findRepo(owner, repoName);
    if (!comment || !repo || comment.issue !== repo.issues.get(comment.issue.number))
      return notFound(docs.deleteComment);
    comments.delete(commentId);
    return { status: 204, body: undefined };
  }

  /** Checks a comment write's body as GitHub does; answers the error, or the text. */
  function commentText(headers: IncomingHttpHeaders, raw: string, documentationUrl: string): string | Answer {
    // Stricter than GitHub, which parses JSON whatever the Content-Type: every client we use declares it.
    if (!/^application\/(?:vnd\.github[\w.+-]*\+)?json\s*(?:;|$)/i.test(headers["content-type"] ?? "")) {
      return githubError(415, "Unsupported 'Content-Type' header (stand-in: send application/json)", documentationUrl);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return githubError(400, "Problems parsing JSON", documentationUrl);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return githubError(
        422,
        `Invalid request.\n\nFor 'links/0/schema', ${JSON.stringify(parsed)} is not an object.`,
        documentationUrl,
      );
    }
    if (!("body" in parsed)) return githubError(422, 'Invalid request.\n\n"body" wasn\'t supplied.', documentationUrl);
    const { body } = parsed;
    if (typeof body !== "string") {
      return githubError(
        422,
        `Invalid request.\n\nFor 'properties/body', ${body === null ? "nil" : JSON.stringify(body)} is not a string.`,
        documentationUrl,
      );
    }
    if (body.trim() === "") {
      return githubError(422, "Validation Failed", documentationUrl, {
        errors: [{ resource: "IssueComment", code: "missing_field", field: "body" }],
      });
    }
    // Counted in UTF-16 units like JavaScript's .length: at least as strict as GitHub's count.
    if (body.length > maxCommentLength) {
      return githubError(422, "Validation Failed", documentationUrl, {
        errors: [
          {
            resource: "IssueComment",
            code: "custom",
            field: "body",
            message: `body is too long (maximum is ${maxCommentLength} characters)`,
          },
        ],
      });
    }
    return body;
  }

  function listComments(issue: Issue, url: URL): Answer {
    const perPageParam = url.searchParams.get("per_page");
    const pageParam = url.searchParams.get("page");
    const perPageAsked = perPageParam !== null && /^\d+$/.test(perPageParam) ? Number(perPageParam) : 30;
    const perPage = Math.min(Math.max(perPageAsked, 1), 100);
    const page = pageParam !== null && /^\d+$/.test(pageParam) && Number(pageParam) >= 1 ? Number(pageParam) : 1;
    const since = url.searchParams.get("since");
    const sinceMs = since === null ? Number.NaN : Date.parse(since);
    const all = issueComments(issue).filter((c) => Number.isNaN(sinceMs) || Date.parse(c.updated_at) >= sinceMs);
    const lastPage = Math.max(Math.ceil(all.length / perPage), 1);
    const headers: Record<string, string> = {};
    const links: string[] = [];
    const pageUrl = (n: number) => {
      const next = new URL(`${base}${url.pathname}`);
      for (const [key, value] of url.searchParams) if (key !== "page") next.searchParams.append(key, value);
      next.searchParams.set("page", String(n));
      return next.href;
    };
    if (page > 1) links.push(`<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`);
    if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`);
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
    if (links.length > 0) headers.link = links.join(", ");
    return { status: 200, body: all.slice((page - 1) * perPage, page * perPage).map(commentJson), headers };
  }

  /** Answers a routed request; undefined when no route this stand-in implements matches. */
  function route(
    method: string,
    url: URL,
    headers: IncomingHttpHeaders,
    raw: string,
    caller: Caller,
  ): Answer | undefined {
    let segments: string[];
    try {
      segments = url.pathname.split("/").slice(1).map(decodeURIComponent);
    } catch {
      return undefined;
    }
    const [first, owner = "", repoName = "", kind, fourth, fifth, ...rest] = segments;
    if (options.app) {
      const answer = appRoute(method, segments, raw, caller);
      if (answer) return answer;
    }
    if (first === "repos" && caller.app && kind === "issues")
      return githubError(403, "Apps must use an installation token for repository endpoints (stand-in)", docs.root);
    // An installation token reaches only the repositories it was issued for.
    if (
      first === "repos" &&
      caller.installation &&
      !caller.installation.repositories.has(`${owner}/${repoName}`.toLowerCase())
    ) {
      return githubError(403, "Resource not accessible by integration", docs.root);
    }
    // GitHub hides a private repository from whoever cannot see it: 404, as if it did not exist.
    const repoKey = `${owner}/${repoName}`.toLowerCase();
    if (first === "repos" && caller.person && privateRepos.has(repoKey) && !caller.person.repositories.has(repoKey))
      return notFound(docs.root);

    if (method === "GET" && segments.length === 1 && first === "user") {
      return {
        status: 200,
        body: {
          ...userJson(caller.user),
          name: null,
          company: null,
          blog: "",
          location: null,
          email: null,
          bio: null,
          public_repos: 0,
          followers: 0,
          following: 0,
          created_at: "2024-01-01T00:00:00Z",
          updated_at: "2024-01-01T00:00:00Z",
        },
        headers: { "x-oauth-scopes": caller.canWrite ? "repo" : "" },
      };
    }
    if (first === "repos" && kind === "hooks" && fifth === "deliveries")
      return caller.app
        ? githubError(403, "Apps must use an installation token here", docs.root)
        : hookRoute(method, owner, repoName, fourth, rest, url);
    // GET /app/hook/deliveries and POST /app/hook/deliveries/{id}/attempts: the app's own hook, JWT only.
    if (first === "app" && owner === "hook" && repoName === "deliveries") {
      if (!caller.app) return githubError(401, "A JSON web token could not be decoded", docs.root);
      const appHook = [...hooks.values()].find((h) => h.app);
      return appHook
        ? hookRoute(
            method,
            "",
            "",
            String(appHook.id),
            [kind, fourth].filter((x): x is string => x !== undefined),
            url,
          )
        : notFound(docs.root);
    }
    if (!caller.app) {
      for (const group of groups) {
        const answer = group.route({ method, segments, url, headers, raw, caller });
        if (answer) return answer;
      }
    }
    if (first !== "repos" || kind !== "issues" || rest.length > 0 || owner === "" || repoName === "") return undefined;

    // GET, PATCH and DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}
    if (fourth === "comments" && fifth !== undefined) {
      const commentId = parseId(fifth);
      if (commentId === undefined) return undefined;
      if (method === "GET") {
        const comment = comments.get(commentId);
        const repo = findRepo(owner, repoName);
        const found = comment && repo && comment.issue === repo.issues.get(comment.issue.number);
        return found ? { status: 200, body: commentJson(comment) } : notFound(docs.getComment);
      }
      if (method === "DELETE") return deleteComment(owner, repoName, commentId, caller);
      if (method !== "PATCH") return undefined;
      if (!caller.canWrite)
        return githubError(403, "Resource not accessible by personal access token", docs.updateComment);
      const text = commentText(headers, raw, docs.updateComment);
      if (typeof text !== "string") return text;
      const comment = comments.get(commentId);
      const repo = findRepo(owner, repoName);
      if (!comment || !repo || comment.issue !== repo.issues.get(comment.issue.number))
        return notFound(docs.updateComment);
      comment.body = text;
      comment.updated_at = now();
      return { status: 200, body: commentJson(comment) };
    }

    const number = parseId(fourth);
    if (number === undefined) return undefined;

    // GET /repos/{owner}/{repo}/issues/{number}
    if (fifth === undefined) {
      if (method !== "GET") return undefined;
      const issue = findIssue(owner, repoName, number);
      return issue ? { status: 200, body: issueJson(issue) } : notFound(docs.getIssue);
    }
    if (fifth !== "comments") return undefined;

    // GET and POST /repos/{owner}/{repo}/issues/{number}/comments
    if (method === "GET") {
      const issue = findIssue(owner, repoName, number);
      return issue ? listComments(issue, url) : notFound(docs.listComments);
    }
    if (method !== "POST") return undefined;
    if (!caller.canWrite)
      return githubError(403, "Resource not accessible by personal access token", docs.createComment);
    const text = commentText(headers, raw, docs.createComment);
    if (typeof text !== "string") return text;
    const issue = findIssue(owner, repoName, number);
    if (!issue) return notFound(docs.createComment);
    const limited = contentLimited();
    if (limited) return limited;
    const stamp = now();
    const comment: Comment = {
      id: nextCommentId++,
      issue,
      body: text,
      user: caller.user,
      created_at: stamp,
      updated_at: stamp,
    };
    comments.set(comment.id, comment);
    issue.updated_at = stamp;
    const body = commentJson(comment);
    return { status: 201, body, headers: { location: body.url } };
  }

  // GET /repos/{o}/{r}/hooks/{id}/deliveries and POST .../deliveries/{delivery_id}/attempts
  function hookRoute(
    method: string,
    owner: string,
    repoName: string,
    hookIdText: string | undefined,
    rest: string[],
    url: URL,
  ): Answer | undefined {
    const hookId = hookIdText === undefined ? undefined : parseId(hookIdText);
    const hook = hookId === undefined ? undefined : hooks.get(hookId);
    const docsUrl = "https://docs.github.com/rest/repos/webhooks#list-deliveries-for-a-repository-webhook";
    if (
      !hook ||
      hook.owner.toLowerCase() !== owner.toLowerCase() ||
      hook.repo.toLowerCase() !== repoName.toLowerCase()
    ) {
      return method === "GET" || method === "POST" ? notFound(docsUrl) : undefined;
    }
    if (method === "GET" && rest.length === 0) {
      const perPage = Math.min(Math.max(Number(url.searchParams.get("per_page") ?? 30) || 30, 1), 100);
      const cursor = url.searchParams.get("cursor");
      const log = hookDeliveries
        .filter((d) => d.hookId === hook.id)
        .sort((a, b) => b.id - a.id)
        .filter((d) => cursor === null || d.id < Number(cursor));
      const page = log.slice(0, perPage);
      const headers: Record<string, string> = {};
      const path = hook.app ? "/app/hook/deliveries" : `/repos/${hook.owner}/${hook.repo}/hooks/${hook.id}/deliveries`;
      if (log.length > perPage)
        headers.link = `<${base}${path}?per_page=${perPage}&cursor=${page.at(-1)!.id}>; rel="next"`;
      return {
        status: 200,
        body: page.map(({ payload: _payload, hookId: _hook, ...entry }) => ({
          ...entry,
          installation_id: null,
          repository_id: 186853002,
          throttled_at: null,
        })),
        headers,
      };
    }
    if (method === "POST" && rest.length === 2 && rest[1] === "attempts") {
      const original = hookDeliveries.find((d) => d.hookId === hook.id && d.id === parseId(rest[0]!));
      if (!original)
        return notFound("https://docs.github.com/rest/repos/webhooks#redeliver-a-delivery-for-a-repository-webhook");
      void send(hook, original.event, original.payload, original.guid, true);
      return { status: 202, body: {} };
    }
    return undefined;
  }

  async function send(
    hook: Hook,
    event: string,
    payload: string,
    guid: string,
    redelivery: boolean,
  ): Promise<HookDelivery> {
    const started = Date.now();
    let status = "OK";
    let statusCode = 0;
    try {
      const response = await fetch(hook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/stand-in",
          "x-github-event": event,
          "x-github-delivery": guid,
          "x-github-hook-id": String(hook.id),
          "x-hub-signature-256": "sha256=" + createHmac("sha256", hook.secret).update(payload).digest("hex"),
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      statusCode = response.status;
      await response.arrayBuffer();
      if (!response.ok) status = `Invalid HTTP Response: ${response.status}`;
    } catch {
      status = "failed to connect to host";
    }
    const parsed = JSON.parse(payload) as { action?: unknown };
    const entry: HookDelivery = {
      id: nextHookDeliveryId++,
      guid,
      hookId: hook.id,
      delivered_at: new Date().toISOString(),
      redelivery,
      duration: (Date.now() - started) / 1000,
      status,
      status_code: statusCode,
      event,
      action: typeof parsed.action === "string" ? parsed.action : null,
      payload,
    };
    hookDeliveries.push(entry);
    return entry;
  }

  // Resolved against our base even when the path starts with "//".
  function targetUrl(target: string): URL {
    try {
      return new URL(target.startsWith("/") ? base + target : target, base);
    } catch {
      return new URL(`${base}/`);
    }
  }

  function handle(
    req: IncomingMessage,
    raw: string,
    tooLarge: boolean,
  ): { answer: Answer; caller: Caller | undefined; routed: boolean } {
    const method = (req.method ?? "GET").toUpperCase();
    const target = req.url ?? "/";
    const url = targetUrl(target);
    if (tooLarge)
      return {
        answer: githubError(413, "Payload too large (stand-in limit: 1 MB)", docs.root),
        caller: undefined,
        routed: true,
      };
    // GitHub's web sign-in pages, on the same origin here: no API token, no API headers needed.
    if (url.pathname.startsWith("/login/oauth/")) {
      const answer = oauth?.handle(method, url, req.headers, raw);
      return { answer: answer ?? notFound(docs.root), caller: undefined, routed: answer !== undefined };
    }
    if (!req.headers["user-agent"]) {
      const text =
        "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.\n";
      return {
        answer: { status: 403, body: null, raw: { contentType: "text/plain; charset=utf-8", text } },
        caller: undefined,
        routed: true,
      };
    }
    const auth = authenticate(req.headers);
    if (!("user" in auth)) return { answer: auth, caller: undefined, routed: true };
    const kind = takeFault(method, target);
    if (kind) return { answer: fault(kind, auth), caller: auth, routed: true };
    const count = (used.get(auth.token) ?? 0) + 1;
    if (count > hourlyLimit) return { answer: primaryLimit(auth, resetAt), caller: auth, routed: true };
    used.set(auth.token, count);
    const answer = route(method, url, req.headers, raw, auth);
    return answer
      ? { answer, caller: auth, routed: true }
      : { answer: notFound(docs.root), caller: auth, routed: false };
  }

  function respond(req: IncomingMessage, res: ServerResponse, rawBody: Buffer, tooLarge: boolean): void {
    const holdRequest = takeHold(req, true);
    if (holdRequest) return holdRequest(() => respond(req, res, rawBody, tooLarge));
    const raw = rawBody.toString("utf8");
    let result: ReturnType<typeof handle>;
    let failed = false;
    try {
      result = handle(req, raw, tooLarge);
    } catch (error) {
      // A bug in the stand-in itself: make it as loud as an unexpected route.
      failed = true;
      result = {
        answer: { status: 500, body: { message: `github stand-in failed: ${String(error)}` } },
        caller: undefined,
        routed: false,
      };
    }
    const { answer, caller, routed } = result;
    const target = targetUrl(req.url ?? "/");
    let body: unknown = raw === "" ? undefined : raw;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        // Keep the text as sent.
      }
    }
    const record: RecordedRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      path: target.pathname,
      query: target.searchParams,
      headers: req.headers,
      body,
      status: answer.status,
    };
    requests.push(record);
    if (!routed || failed) unexpected.push(record);
    const sendAnswer = () => writeAnswer(res, answer, caller, tooLarge);
    const hold = takeHold(req, false);
    if (hold) hold(sendAnswer);
    else sendAnswer();
  }

  function writeAnswer(res: ServerResponse, answer: Answer, caller: Caller | undefined, tooLarge: boolean): void {
    // 204 No Content: no body at all.
    const text = answer.status === 204 ? "" : answer.raw ? answer.raw.text : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      "content-type": answer.raw ? answer.raw.contentType : "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(text)),
      "x-github-request-id": randomBytes(8)
        .toString("hex")
        .toUpperCase()
        .replace(/(.{4})(?=.)/g, "$1:"),
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      ...rateLimitHeaders(caller),
      ...answer.headers,
      ...(tooLarge ? { connection: "close" } : {}),
    });
    res.end(text);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const declared = Number(req.headers["content-length"] ?? "0");
    // Too big to drain: answer, then drop the connection once the answer is out.
    const refuse = () => {
      done = true;
      res.once("finish", () => req.destroy());
      respond(req, res, Buffer.alloc(0), true);
    };
    if (declared > maxDrainBytes) {
      refuse();
      return;
    }
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
      else if (size > maxDrainBytes && !done) refuse();
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      respond(req, res, size > maxBodyBytes ? Buffer.alloc(0) : Buffer.concat(chunks), size > maxBodyBytes);
    });
    req.on("error", () => {
      done = true;
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    login,
    requests,
    unexpected,
    get contentLimitHits() {
      return contentLimitHits;
    },
    get installationTokensIssued() {
      return installationTokensIssued;
    },
    setOAuthCallbackUrl(url) {
      if (!oauthApp) throw new Error("setOAuthCallbackUrl needs the oauthApp option");
      oauthApp.callbackUrl = url;
    },
    revokeInstallationTokens() {
      for (const [issued, caller] of tokens) if (caller.installation) tokens.delete(issued);
    },
    addHook(hook) {
      const id = nextHookId++;
      hooks.set(id, { id, ...hook });
      return id;
    },
    addAppHook(hook) {
      if (!options.app) throw new Error("addAppHook needs the app option");
      // An app has one webhook: a new one replaces it.
      for (const [id, existing] of hooks) if (existing.app) hooks.delete(id);
      const id = nextHookId++;
      hooks.set(id, { id, owner: "", repo: "", app: true, ...hook });
      return id;
    },
    sendHookDelivery(hookId, event, payload) {
      const hook = hooks.get(hookId);
      if (!hook) throw new Error(`no hook ${hookId}`);
      return send(hook, event, JSON.stringify(payload), randomUUID(), false);
    },
    hookDeliveries(hookId) {
      return hookDeliveries.filter((d) => d.hookId === hookId).sort((a, b) => b.id - a.id);
    },
    addIssue(issue) {
      seed({
        owner: issue.owner,
        repo: issue.repo,
        number: issue.number,
        title: issue.title,
        body: issue.body,
        state: issue.state ?? "open",
        labels: [...(issue.labels ?? [])],
        user: user(issue.user?.login ?? "octocat", issue.user?.type),
        author_association: issue.author_association ?? "NONE",
      });
    },
    addIssueFromPayload(payload) {
      const { issue, repository } = payload;
      const state = issue.state ?? "open";
      if (state !== "open" && state !== "closed")
        throw new Error(`github stand-in: issue state must be open or closed, got ${state}`);
      seed({
        owner: repository.owner.login,
        repo: repository.name,
        number: issue.number,
        title: issue.title,
        body: issue.body ?? null,
        state,
        labels: (issue.labels ?? []).map((label) => label.name),
        user: user(issue.user?.login ?? "ghost", issue.user?.type),
        author_association: issue.author_association ?? "NONE",
        ...(issue.id !== undefined ? { id: issue.id } : {}),
        ...(issue.created_at !== undefined ? { created_at: issue.created_at } : {}),
        ...(issue.updated_at !== undefined ? { updated_at: issue.updated_at } : {}),
        ...(issue.closed_at !== undefined ? { closed_at: issue.closed_at } : {}),
      });
    },
    addLabel: (label) => labelGroup.addLabel(label),
    addPullRequest: (pull) => pullGroup.addPullRequest(pull),
    addFile: (file) => contentGroup.addFile(file),
    headSha: (owner, repo, branch) => contentGroup.headSha(owner, repo, branch),
    addComment(seedComment) {
      const issue = findIssue(seedComment.owner, seedComment.repo, seedComment.issue_number);
      if (!issue)
        throw new Error(
          `github stand-in: add issue ${seedComment.owner}/${seedComment.repo}#${seedComment.issue_number} before commenting on it`,
        );
      const stamp = now();
      if (seedComment.id !== undefined && comments.has(seedComment.id))
        throw new Error(`github stand-in: comment ${seedComment.id} exists already`);
      const comment: Comment = {
        id: seedComment.id ?? nextCommentId++,
        issue,
        body: seedComment.body,
        user: user(seedComment.user?.login ?? "octocat", seedComment.user?.type),
        created_at: stamp,
        updated_at: stamp,
      };
      comments.set(comment.id, comment);
      return copyComment(comment);
    },
    editComment(commentId, body) {
      const comment = comments.get(commentId);
      if (!comment) throw new Error(`github stand-in: no issue comment ${commentId} to edit`);
      comment.body = body;
      comment.updated_at = now();
    },
    deleteComment(commentId) {
      if (!comments.delete(commentId)) throw new Error(`github stand-in: no issue comment ${commentId} to delete`);
    },
    addReview: (review) => reviewGroup.addReview(review),
    addReviewComment: (comment) => reviewGroup.addReviewComment(comment),
    editReview(reviewId, body) {
      if (!reviewGroup.editReview(reviewId, body)) throw new Error(`github stand-in: no review ${reviewId} to edit`);
    },
    editReviewComment(commentId, body) {
      if (!reviewGroup.editReviewComment(commentId, body))
        throw new Error(`github stand-in: no review comment ${commentId} to edit`);
    },
    deleteReviewComment(commentId) {
      if (!reviewGroup.deleteReviewComment(commentId))
        throw new Error(`github stand-in: no review comment ${commentId} to delete`);
    },
    reviewComments: (owner, repo, pullNumber) => reviewGroup.reviewComments(owner, repo, pullNumber),
    dispatches: () => workflowGroup.dispatches(),
    comments(owner, repo, issueNumber) {
      const issue = findIssue(owner, repo, issueNumber);
      return issue ? issueComments(issue).map(copyComment) : [];
    },
    allComments() {
      return [...comments.values()].map(copyComment);
    },
    reportRateLimitRemaining(remaining) {
      reportedRemaining = remaining;
    },
    holdNext(filter) {
      let answer: (() => void) | undefined;
      const arrived = new Promise<void>((resolve) =>
        holds.push({
          ...filter,
          method: filter.method?.toUpperCase(),
          hold: (send) => {
            answer = send;
            resolve();
          },
        }),
      );
      return { arrived, release: () => answer?.() };
    },
    failNext(count, kind, filter = {}) {
      if (!Number.isInteger(count) || count < 1)
        throw new Error(`github stand-in: failNext count must be a positive integer, got ${count}`);
      faults.push({ remaining: count, kind, method: filter.method?.toUpperCase(), pathIncludes: filter.pathIncludes });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
