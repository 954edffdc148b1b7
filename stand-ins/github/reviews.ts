import {
  githubError,
  linkHeader,
  notFound,
  pageOf,
  parseJsonBody,
  parseNumber,
  validationFailed,
  type Answer,
  type KitIssue,
  type KitRequest,
  type KitUser,
  type StandInKit,
} from "./stand-in-kit.ts";

/**
 * Pull request reviews and review comments: GET a review and its comments, GET, list and PATCH
 * review comments, and POST a reply in a review thread. Seeded reviews and comments keep the ids
 * a test gives them (a recorded payload's), so the relay can read back what a delivery carried;
 * tests edit and delete them as a person would.
 */

export interface StandInReview {
  owner: string;
  repo: string;
  pull_number: number;
  id?: number;
  body: string | null;
  user?: { login: string; type?: string };
  state?: "COMMENTED" | "APPROVED" | "CHANGES_REQUESTED";
}

export interface StandInReviewComment {
  owner: string;
  repo: string;
  pull_number: number;
  id?: number;
  body: string;
  user?: { login: string; type?: string };
  review_id?: number;
  /** The thread's first comment, for a reply. */
  in_reply_to_id?: number;
  path?: string;
  line?: number;
}

/** A review comment as a test reads it back. */
export interface StandInReviewCommentCopy {
  id: number;
  pull_number: number;
  body: string;
  user: { login: string; type: string };
  in_reply_to_id: number | null;
  review_id: number;
  html_url: string;
}

interface Review {
  id: number;
  issue: KitIssue;
  body: string;
  user: KitUser;
  state: string;
  submitted_at: string;
}

interface ReviewComment {
  id: number;
  issue: KitIssue;
  reviewId: number;
  body: string;
  user: KitUser;
  inReplyTo: number | null;
  path: string;
  line: number;
  created_at: string;
  updated_at: string;
}

interface Hooks {
  /** The pull request, when the repository has one with that number. */
  findPull(owner: string, repo: string, number: number): KitIssue | undefined;
  /** The secondary rate limit's answer when content creation is over its limits now, else undefined (and counted). */
  contentLimited(): Answer | undefined;
}

const docs = {
  getReview: "https://docs.github.com/rest/pulls/reviews#get-a-review-for-a-pull-request",
  reviewComments: "https://docs.github.com/rest/pulls/reviews#list-comments-for-a-pull-request-review",
  getComment: "https://docs.github.com/rest/pulls/comments#get-a-review-comment-for-a-pull-request",
  listComments: "https://docs.github.com/rest/pulls/comments#list-review-comments-on-a-pull-request",
  updateComment: "https://docs.github.com/rest/pulls/comments#update-a-review-comment-for-a-pull-request",
  reply: "https://docs.github.com/rest/pulls/comments#create-a-reply-for-a-review-comment",
};
const maxBodyLength = 65_536;
const commitId = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

export function createReviews(kit: StandInKit, hooks: Hooks) {
  const reviews = new Map<number, Review>();
  const comments = new Map<number, ReviewComment>();
  let nextReviewId = 300_000_001;
  let nextCommentId = 400_000_001;

  const api = (issue: KitIssue) => `${kit.base()}/repos/${issue.owner}/${issue.repo}`;
  const pullHtml = (issue: KitIssue) => `https://github.com/${issue.owner}/${issue.repo}/pull/${issue.number}`;
  const association = (user: KitUser, issue: KitIssue) =>
    user.login.toLowerCase() === issue.owner.toLowerCase() ? "OWNER" : "NONE";

  function reviewJson(review: Review) {
    const { issue } = review;
    const html = `${pullHtml(issue)}#pullrequestreview-${review.id}`;
    return {
      id: review.id,
      node_id: `PRR_standin${review.id}`,
      user: kit.userJson(review.user),
      body: review.body,
      state: review.state,
      html_url: html,
      pull_request_url: `${api(issue)}/pulls/${issue.number}`,
      _links: { html: { href: html }, pull_request: { href: `${api(issue)}/pulls/${issue.number}` } },
      submitted_at: review.submitted_at,
      commit_id: commitId,
      author_association: association(review.user, review.issue),
    };
  }

  function commentJson(comment: ReviewComment) {
    const { issue } = comment;
    const url = `${api(issue)}/pulls/comments/${comment.id}`;
    const html = `${pullHtml(issue)}#discussion_r${comment.id}`;
    const pullUrl = `${api(issue)}/pulls/${issue.number}`;
    return {
      url,
      pull_request_review_id: comment.reviewId,
      id: comment.id,
      node_id: `PRRC_standin${comment.id}`,
      diff_hunk: `@@ -1,1 +1,${comment.line} @@`,
      path: comment.path,
      position: comment.line,
      original_position: comment.line,
      commit_id: commitId,
      original_commit_id: commitId,
      ...(comment.inReplyTo === null ? {} : { in_reply_to_id: comment.inReplyTo }),
      user: kit.userJson(comment.user),
      body: comment.body,
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      html_url: html,
      pull_request_url: pullUrl,
      author_association: association(comment.user, issue),
      _links: { self: { href: url }, html: { href: html }, pull_request: { href: pullUrl } },
      start_line: null,
      original_start_line: null,
      start_side: null,
      line: comment.line,
      original_line: comment.line,
      side: "RIGHT",
      subject_type: "line",
    };
  }

  function copy(comment: ReviewComment): StandInReviewCommentCopy {
    return {
      id: comment.id,
      pull_number: comment.issue.number,
      body: comment.body,
      user: { login: comment.user.login, type: comment.user.type },
      in_reply_to_id: comment.inReplyTo,
      review_id: comment.reviewId,
      html_url: `${pullHtml(comment.issue)}#discussion_r${comment.id}`,
    };
  }

  function pullOf(seed: { owner: string; repo: string; pull_number: number }): KitIssue {
    const issue = hooks.findPull(seed.owner, seed.repo, seed.pull_number);
    if (!issue)
      throw new Error(`github stand-in: add pull request ${seed.owner}/${seed.repo}#${seed.pull_number} first`);
    return issue;
  }

  /** A write's body as GitHub checks it: JSON with a non-empty `body` string within the size limit. */
  function bodyOf(request: KitRequest, documentationUrl: string): string | Answer {
    const parsed = parseJsonBody(request.headers, request.raw, documentationUrl);
    if (!("json" in parsed)) return parsed;
    const body = (parsed.json as { body?: unknown } | null)?.body;
    if (typeof body !== "string")
      return githubError(422, `Invalid request.\n\n"body" wasn't supplied.`, documentationUrl);
    if (body.trim() === "" || body.length > maxBodyLength)
      return validationFailed(documentationUrl, [
        { resource: "PullRequestReviewComment", code: body.trim() === "" ? "missing_field" : "custom", field: "body" },
      ]);
    return body;
  }

  function list(request: KitRequest, all: ReviewComment[]): Answer {
    const { perPage, page } = pageOf(request.url);
    const lastPage = Math.max(Math.ceil(all.length / perPage), 1);
    return {
      status: 200,
      body: all.slice((page - 1) * perPage, page * perPage).map(commentJson),
      headers: linkHeader(kit.base(), request.url, page, lastPage),
    };
  }

  function reply(request: KitRequest, issue: KitIssue, to: ReviewComment | undefined): Answer {
    if (!request.caller.canWrite)
      return githubError(403, "Resource not accessible by personal access token", docs.reply);
    const body = bodyOf(request, docs.reply);
    if (typeof body !== "string") return body;
    if (!to || to.issue !== issue) return notFound(docs.reply);
    // GitHub's docs: "This must be the ID of a top-level review comment ... Replies to replies are not
    // supported." The stand-in refuses them (its message is its own).
    if (to.inReplyTo !== null)
      return validationFailed(docs.reply, [
        { resource: "PullRequestReviewComment", code: "invalid", field: "in_reply_to" },
      ]);
    const limited = hooks.contentLimited();
    if (limited) return limited;
    const stamp = kit.now();
    const created: ReviewComment = {
      ...to,
      id: nextCommentId++,
      body,
      user: request.caller.user,
      inReplyTo: to.id,
      created_at: stamp,
      updated_at: stamp,
    };
    comments.set(created.id, created);
    const json = commentJson(created);
    return { status: 201, body: json, headers: { location: json.url } };
  }

  function update(request: KitRequest, comment: ReviewComment | undefined): Answer {
    if (!request.caller.canWrite)
      return githubError(403, "Resource not accessible by personal access token", docs.updateComment);
    const body = bodyOf(request, docs.updateComment);
    if (typeof body !== "string") return body;
    if (!comment) return notFound(docs.updateComment);
    comment.body = body;
    comment.updated_at = kit.now();
    return { status: 200, body: commentJson(comment) };
  }

  /** /repos/{o}/{r}/pulls/comments/{id} */
  function commentRoute(request: KitRequest, owner: string, name: string, idText: string | undefined) {
    const id = parseNumber(idText);
    if (id === undefined) return undefined;
    const found = comments.get(id);
    const comment =
      found && kit.findRepo(owner, name)?.issues.get(found.issue.number) === found.issue ? found : undefined;
    if (request.method === "GET")
      return comment ? { status: 200, body: commentJson(comment) } : notFound(docs.getComment);
    return request.method === "PATCH" ? update(request, comment) : undefined;
  }

  /** /repos/{o}/{r}/pulls/{n}/comments[/{id}/replies] and /repos/{o}/{r}/pulls/{n}/reviews/{id}[/comments] */
  function pullRoute(request: KitRequest, owner: string, name: string, rest: string[]): Answer | undefined {
    const [numberText, kind, idText, tail, ...more] = rest;
    const number = parseNumber(numberText);
    if (number === undefined || more.length > 0) return undefined;
    const issue = hooks.findPull(owner, name, number);
    const id = idText === undefined ? undefined : parseNumber(idText);
    if (kind === "comments" && idText === undefined && request.method === "GET")
      return issue
        ? list(
            request,
            [...comments.values()].filter((c) => c.issue === issue),
          )
        : notFound(docs.listComments);
    if (kind === "comments" && tail === "replies" && id !== undefined && request.method === "POST")
      return issue ? reply(request, issue, comments.get(id)) : notFound(docs.reply);
    if (kind !== "reviews" || id === undefined || request.method !== "GET") return undefined;
    const review = reviews.get(id);
    const ofPull = issue !== undefined && review?.issue === issue ? review : undefined;
    if (tail === undefined) return ofPull ? { status: 200, body: reviewJson(ofPull) } : notFound(docs.getReview);
    if (tail !== "comments") return undefined;
    return ofPull
      ? list(
          request,
          [...comments.values()].filter((c) => c.reviewId === id),
        )
      : notFound(docs.reviewComments);
  }

  function route(request: KitRequest): Answer | undefined {
    const [first, owner = "", name = "", kind, fourth, ...rest] = request.segments;
    if (first !== "repos" || kind !== "pulls") return undefined;
    if (fourth === "comments") return rest.length === 1 ? commentRoute(request, owner, name, rest[0]) : undefined;
    // The pull request itself and its files are the pulls group's.
    if (rest.length === 0 || rest[0] === "files") return undefined;
    return pullRoute(request, owner, name, [fourth ?? "", ...rest]);
  }

  return {
    route,
    addReview(seed: StandInReview): number {
      const issue = pullOf(seed);
      const id = seed.id ?? nextReviewId++;
      const user = kit.user(seed.user?.login ?? "octocat", seed.user?.type);
      reviews.set(id, {
        id,
        issue,
        body: seed.body ?? "",
        user,
        state: seed.state ?? "COMMENTED",
        submitted_at: kit.now(),
      });
      return id;
    },
    addReviewComment(seed: StandInReviewComment): StandInReviewCommentCopy {
      const issue = pullOf(seed);
      const id = seed.id ?? nextCommentId++;
      const stamp = kit.now();
      const user = kit.user(seed.user?.login ?? "octocat", seed.user?.type);
      // A reply sits on its thread's line, as on GitHub.
      const parent = seed.in_reply_to_id === undefined ? undefined : comments.get(seed.in_reply_to_id);
      const reviewId = seed.review_id ?? parent?.reviewId;
      const comment: ReviewComment = {
        id,
        issue,
        reviewId: reviewId ?? nextReviewId++,
        body: seed.body,
        user,
        inReplyTo: seed.in_reply_to_id ?? null,
        path: seed.path ?? parent?.path ?? "README.md",
        line: seed.line ?? parent?.line ?? 1,
        created_at: stamp,
        updated_at: stamp,
      };
      comments.set(id, comment);
      return copy(comment);
    },
    /** A person edits the review's body (undefined: no such review). */
    editReview(id: number, body: string): boolean {
      const review = reviews.get(id);
      if (review) review.body = body;
      return review !== undefined;
    },
    editReviewComment(id: number, body: string): boolean {
      const comment = comments.get(id);
      if (comment) Object.assign(comment, { body, updated_at: kit.now() });
      return comment !== undefined;
    },
    deleteReviewComment: (id: number): boolean => comments.delete(id),
    deleteReview: (id: number): boolean => reviews.delete(id),
    reviewComments(owner: string, repo: string, pullNumber: number): StandInReviewCommentCopy[] {
      const issue = hooks.findPull(owner, repo, pullNumber);
      return [...comments.values()].filter((c) => c.issue === issue).map(copy);
    },
  };
}
