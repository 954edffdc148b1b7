import type { Octokit } from "@octokit/rest";
import type { RuleEvent, RuleText } from "./rule-event.ts";

const nouns: Record<RuleText["kind"], string> = {
  comment: "comment",
  review: "review",
  review_comment: "review comment",
};

/**
 * Why a run started by text a person wrote must not go on: the comment or review was deleted, or
 * edited, between the signed delivery and the run (a queue, a retry). Whoever deleted or rewrote
 * it no longer asks what the delivery says. Null when the text stands as delivered, or there is none.
 */
export async function triggerTextReason(github: Octokit, event: RuleEvent): Promise<string | null> {
  const { text } = event;
  if (!text) return null;
  const noun = nouns[text.kind];
  let body: string | null | undefined;
  try {
    body = await currentBody(github, event, text);
  } catch (error) {
    if ((error as { status?: unknown }).status === 404) return `the ${noun} was deleted before the run started`;
    throw error;
  }
  // GitHub answers an empty review's body as "" where the payload may say null (RuleText.body is "").
  return (body ?? "") === text.body ? null : `the ${noun} was edited before the run started`;
}

async function currentBody(github: Octokit, event: RuleEvent, text: RuleText): Promise<string | null | undefined> {
  const repo = { owner: event.owner, repo: event.repo };
  if (text.kind === "comment") return (await github.rest.issues.getComment({ ...repo, comment_id: text.id })).data.body;
  if (text.kind === "review_comment")
    return (await github.rest.pulls.getReviewComment({ ...repo, comment_id: text.id })).data.body;
  const { data } = await github.rest.pulls.getReview({ ...repo, pull_number: event.number, review_id: text.id });
  return data.body;
}
