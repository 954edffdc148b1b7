import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findRunComment, runMarker, upsertRunComment, type RunTarget } from "../github/run-comment.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const bot = "openwebui-ai-bot";

describe("a run's comment as a reply in a review thread", () => {
  let github: GitHubStandIn;
  let octokit: Octokit;
  let threadTop: number;
  const target = (deliveryId: string): RunTarget => ({
    owner: "octo",
    repo: "app",
    issueNumber: 9,
    deliveryId,
    ownLogin: bot,
    reviewCommentId: threadTop,
  });
  const replies = () => github.reviewComments("octo", "app", 9).filter((c) => c.in_reply_to_id === threadTop);

  beforeAll(async () => {
    github = await startGitHubStandIn();
    octokit = new Octokit({ baseUrl: github.url, auth: "ghp_standin_token_0123456789", log: quiet });
    github.addPullRequest({ owner: "octo", repo: "app", number: 9, title: "Fix", body: null });
    threadTop = github.addReviewComment({ owner: "octo", repo: "app", pull_number: 9, body: "@bot why?" }).id;
    github.addReviewComment({ owner: "octo", repo: "app", pull_number: 9, body: "Another thread" });
  });

  afterAll(async () => {
    expect(github.unexpected).toEqual([]);
    await github.close();
  });

  it("replies in the thread, and a retry that lost the answer finds that reply by its marker and edits it", async () => {
    const first = await upsertRunComment(octokit, target("delivery-1"), "First answer.");
    expect(first.action).toBe("created");
    expect(first.html_url).toBe(`https://github.com/octo/app/pull/9#discussion_r${first.id}`);
    // A retry after a crash between posting and recording: it knows no comment id, GitHub shows the reply.
    expect((await findRunComment(octokit, target("delivery-1")))?.id).toBe(first.id);
    const retry = await upsertRunComment(octokit, target("delivery-1"), "Second answer.");
    expect(retry).toMatchObject({ id: first.id, action: "updated" });
    expect(replies().map((c) => c.body.split("\n")[2])).toEqual(["Second answer."]);
    expect(github.comments("octo", "app", 9)).toEqual([]);
  });

  it("never takes someone else's reply carrying a copied marker for its own", async () => {
    github.addReviewComment({
      owner: "octo",
      repo: "app",
      pull_number: 9,
      in_reply_to_id: threadTop,
      body: `copied ${runMarker("delivery-2")}`,
      user: { login: "mallory" },
    });
    const posted = await upsertRunComment(octokit, target("delivery-2"), "Answer two.");
    expect(posted.action).toBe("created");
    expect(replies().filter((c) => c.user.login === bot)).toHaveLength(2);
  });
});
