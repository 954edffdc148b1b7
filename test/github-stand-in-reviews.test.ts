import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { checkedOctokit, failureOf } from "./support/checked-octokit.ts";

const token = "ghp_standin_token_0123456789";
const repo = { owner: "octo", repo: "app" };
const checked: string[] = [];

describe("GitHub stand-in: reviews, review comments and reading a comment back, in GitHub's shape", () => {
  let github: GitHubStandIn;
  const octokit = () => checkedOctokit(github.url, token, checked);

  beforeAll(async () => {
    github = await startGitHubStandIn({ readOnlyTokens: ["ghp_read_only_token"] });
    github.addIssue({ ...repo, number: 7, title: "Crash on start", body: "It crashes." });
    github.addPullRequest({ ...repo, number: 9, title: "Fix the crash", body: "Fixes #7." });
    github.addPullRequest({ ...repo, number: 10, title: "Other", body: null });
  });

  afterAll(async () => {
    await github.close();
  });

  afterEach(() => {
    expect(github.unexpected).toEqual([]);
  });

  it("reads an issue comment back by id, edited or gone as its author left it", async () => {
    const comment = github.addComment({ ...repo, issue_number: 7, body: "@bot why?", id: 555 });
    expect(comment.id).toBe(555);
    expect((await octokit().rest.issues.getComment({ ...repo, comment_id: 555 })).data.body).toBe("@bot why?");
    github.editComment(555, "never mind");
    expect((await octokit().rest.issues.getComment({ ...repo, comment_id: 555 })).data.body).toBe("never mind");
    github.deleteComment(555);
    expect((await failureOf(octokit().rest.issues.getComment({ ...repo, comment_id: 555 }))).status).toBe(404);
    const elsewhere = github.addComment({ ...repo, issue_number: 7, body: "x" });
    const other = { owner: "octo", repo: "other", comment_id: elsewhere.id };
    expect((await failureOf(octokit().rest.issues.getComment(other))).status).toBe(404);
  });

  it("serves a review and its comments, and a review comment by id", async () => {
    const reviewId = github.addReview({ ...repo, pull_number: 9, body: "@bot have a look", id: 237895671 });
    const top = github.addReviewComment({ ...repo, pull_number: 9, review_id: reviewId, body: "Why this line?" });
    github.addReviewComment({ ...repo, pull_number: 9, in_reply_to_id: top.id, body: "Because." });
    github.addReviewComment({ ...repo, pull_number: 9, body: "Another review's" });
    const review = await octokit().rest.pulls.getReview({ ...repo, pull_number: 9, review_id: reviewId });
    expect(review.data).toMatchObject({ id: reviewId, body: "@bot have a look", state: "COMMENTED" });
    const ofReview = await octokit().rest.pulls.listCommentsForReview({ ...repo, pull_number: 9, review_id: reviewId });
    expect(ofReview.data.map((c) => [c.body, c.in_reply_to_id])).toEqual([
      ["Why this line?", undefined],
      ["Because.", top.id],
    ]);
    const all = await octokit().paginate(octokit().rest.pulls.listReviewComments, {
      ...repo,
      pull_number: 9,
      per_page: 2,
    });
    expect(all).toHaveLength(3);
    const one = await octokit().rest.pulls.getReviewComment({ ...repo, comment_id: top.id });
    expect(one.data.html_url).toBe(`https://github.com/octo/app/pull/9#discussion_r${top.id}`);
    github.editReview(reviewId, "edited");
    expect((await octokit().rest.pulls.getReview({ ...repo, pull_number: 9, review_id: reviewId })).data.body).toBe(
      "edited",
    );
    const wrongPull = octokit().rest.pulls.getReview({ ...repo, pull_number: 10, review_id: reviewId });
    expect((await failureOf(wrongPull)).status).toBe(404);
    github.deleteReviewComment(top.id);
    expect((await failureOf(octokit().rest.pulls.getReviewComment({ ...repo, comment_id: top.id }))).status).toBe(404);
  });

  it("replies in a review thread and edits the reply; refuses a reply to a reply, another pull's thread, or a reader", async () => {
    const top = github.addReviewComment({ ...repo, pull_number: 9, body: "@bot is this safe?" });
    const replyTo = (pull: number, commentId: number, body = "Yes.") =>
      octokit().rest.pulls.createReplyForReviewComment({ ...repo, pull_number: pull, comment_id: commentId, body });
    const { data: reply } = await replyTo(9, top.id);
    expect(reply).toMatchObject({ in_reply_to_id: top.id, body: "Yes.", user: { login: "openwebui-ai-bot" } });
    expect(reply.pull_request_review_id).toBe(
      github.reviewComments("octo", "app", 9).find((c) => c.id === top.id)!.review_id,
    );
    const edited = await octokit().rest.pulls.updateReviewComment({
      ...repo,
      comment_id: reply.id,
      body: "Yes, safe.",
    });
    expect(edited.data.body).toBe("Yes, safe.");
    expect((await failureOf(replyTo(9, reply.id))).status).toBe(422);
    expect((await failureOf(replyTo(10, top.id))).status).toBe(404);
    expect((await failureOf(replyTo(9, top.id, " "))).status).toBe(422);
    const reader = checkedOctokit(github.url, "ghp_read_only_token", checked);
    const refused = reader.rest.pulls.createReplyForReviewComment({
      ...repo,
      pull_number: 9,
      comment_id: top.id,
      body: "x",
    });
    expect((await failureOf(refused)).status).toBe(403);
    expect(github.reviewComments("octo", "app", 9).filter((c) => c.in_reply_to_id === top.id)).toHaveLength(1);
  });

  it("checked every answer against GitHub's description", () => {
    expect(new Set(checked)).toEqual(
      new Set([
        "GET /repos/{owner}/{repo}/issues/comments/{comment_id} 200",
        "GET /repos/{owner}/{repo}/issues/comments/{comment_id} 404",
        "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id} 200",
        "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id} 404",
        "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments 200",
        "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments 200",
        "GET /repos/{owner}/{repo}/pulls/comments/{comment_id} 200",
        "GET /repos/{owner}/{repo}/pulls/comments/{comment_id} 404",
        "POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies 201",
        "POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies 422",
        "POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies 404",
        "POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies 403",
        "PATCH /repos/{owner}/{repo}/pulls/comments/{comment_id} 200",
      ]),
    );
  });
});
