import type { Octokit } from "@octokit/rest";

/** A comment as the run's comment code needs it, wherever it was posted. */
export interface PlacedComment {
  id: number;
  html_url: string;
  body?: string | null;
  user?: { login: string } | null;
}

/**
 * Where a run's comment goes: the conversation of its issue or pull request (the issues API), or,
 * for a run a review comment started, a reply in that review thread (the pulls API). Both are
 * listed, edited and created alike, so retries find and edit the comment wherever it is.
 */
export interface CommentPlace {
  /** The comments a run's earlier comment may be among. */
  list(): Promise<PlacedComment[]>;
  update(commentId: number, body: string): Promise<PlacedComment>;
  /** Sent once: creating is not idempotent, the caller looks for a lost one instead of re-sending. */
  create(body: string): Promise<PlacedComment>;
}

export interface PlaceTarget {
  owner: string;
  repo: string;
  issueNumber: number;
  /** The review thread's first comment, when the run replies in a review thread. */
  reviewCommentId?: number | null;
}

export function commentPlace(octokit: Octokit, target: PlaceTarget): CommentPlace {
  const { owner, repo, issueNumber: number, reviewCommentId: threadId } = target;
  const once = { request: { retries: 0 } };
  if (threadId === undefined || threadId === null) {
    return {
      list: () =>
        octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 }),
      update: async (id, body) => (await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })).data,
      create: async (body) =>
        (await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body, ...once })).data,
    };
  }
  return {
    // GitHub lists a pull request's review comments, not a thread's: the thread's are the replies to its first.
    list: async () =>
      (
        await octokit.paginate(octokit.rest.pulls.listReviewComments, {
          owner,
          repo,
          pull_number: number,
          per_page: 100,
        })
      ).filter((comment) => comment.in_reply_to_id === threadId),
    update: async (id, body) =>
      (await octokit.rest.pulls.updateReviewComment({ owner, repo, comment_id: id, body })).data,
    create: async (body) =>
      (
        await octokit.rest.pulls.createReplyForReviewComment({
          owner,
          repo,
          pull_number: number,
          comment_id: threadId,
          body,
          ...once,
        })
      ).data,
  };
}
