import { describe, expect, it } from "vitest";
import { threadKey } from "../github/comment-thread.ts";

describe("the thread a comment: update rule keeps one comment on", () => {
  const pr = { owner: "Octo", repo: "App", issueNumber: 2, threadRule: "review-mentions" };

  it("is one per review thread, apart from the conversation's, so one thread's answer never edits or supersedes another's", () => {
    const conversation = threadKey(pr);
    const threadA = threadKey({ ...pr, reviewCommentId: 101 });
    const threadB = threadKey({ ...pr, reviewCommentId: 202 });
    expect(new Set([conversation, threadA, threadB]).size).toBe(3);
    // GitHub's names are case-insensitive: the same thread however the payload spells them.
    expect(threadKey({ ...pr, owner: "octo", repo: "app", reviewCommentId: 101 })).toBe(threadA);
  });

  it("is none for a rule that posts a comment per run", () => {
    expect(threadKey({ ...pr, threadRule: null, reviewCommentId: 101 })).toBeNull();
  });
});
