import { HttpError } from "../../lib/http-error.ts";
import type { ToolDependencies } from "../tool-definition.ts";
import { fromGitHub, hasNextPage } from "./read-scope.ts";

type GitHubComment = Awaited<ReturnType<ToolDependencies["github"]["rest"]["pulls"]["getReviewComment"]>>["data"];
/** A review comment as GitHub lists it, in the fields list_review_comments answers with. */
export type ListedReviewComment = Pick<
  GitHubComment,
  "id" | "user" | "author_association" | "body" | "path" | "line" | "in_reply_to_id" | "pull_request_review_id"
> &
  Pick<GitHubComment, "created_at" | "html_url">;

interface Where {
  owner: string;
  repo: string;
  pull_number: number;
  /** Exactly one of review_id and comment_id (list_review_comments checks). */
  review_id?: number | undefined;
  comment_id?: number | undefined;
}

/** One page of a review's comments (review_id) or of a review thread (comment_id), oldest first. */
export function reviewCommentsPage(
  where: Where,
  page: number,
  perPage: number,
  deps: ToolDependencies,
): Promise<{ listed: ListedReviewComment[]; hasMore: boolean }> {
  return where.review_id !== undefined
    ? ofReview(where, where.review_id, page, perPage, deps)
    : ofThread(where, where.comment_id!, page, perPage, deps);
}

async function ofReview(args: Where, reviewId: number, page: number, perPage: number, deps: ToolDependencies) {
  const what = `review ${reviewId} of pull request ${args.owner}/${args.repo}#${args.pull_number}`;
  const { data, headers } = await fromGitHub(what, () =>
    deps.github.rest.pulls.listCommentsForReview({
      owner: args.owner,
      repo: args.repo,
      pull_number: args.pull_number,
      review_id: reviewId,
      per_page: perPage,
      page,
    }),
  );
  return { listed: data as ListedReviewComment[], hasMore: hasNextPage(headers) };
}

/** GitHub has no list of one thread: the thread is its first comment and the replies to it. */
async function ofThread(args: Where, commentId: number, page: number, perPage: number, deps: ToolDependencies) {
  const repo = { owner: args.owner, repo: args.repo };
  const what = `review comment ${commentId} in ${args.owner}/${args.repo}`;
  const { data: one } = await fromGitHub(what, () =>
    deps.github.rest.pulls.getReviewComment({ ...repo, comment_id: commentId }),
  );
  // A comment id is the model's to give: it must be on this pull request, or the scope check above means nothing.
  if (!one.pull_request_url.endsWith(`/pulls/${args.pull_number}`))
    throw new HttpError(
      404,
      `Review comment ${commentId} is not on pull request #${args.pull_number}. Give a comment_id from this pull request.`,
    );
  const top = one.in_reply_to_id ?? one.id;
  const all = await fromGitHub(what, () =>
    deps.github.paginate(deps.github.rest.pulls.listReviewComments, {
      ...repo,
      pull_number: args.pull_number,
      per_page: 100,
    }),
  );
  const thread = all.filter((c) => c.id === top || c.in_reply_to_id === top);
  return { listed: thread.slice((page - 1) * perPage, page * perPage), hasMore: thread.length > page * perPage };
}
