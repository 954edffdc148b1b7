// The cost bench's deliveries: GitHub's recorded payload for each event kind a rule can run on
// (@octokit/webhooks-examples), written now, with a rule each that lists the tools its default prompt names.
import type { GitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { examplePayload } from "../stand-ins/payloads.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recorded payloads are edited freely here
type Payload = Record<string, any>;

export interface EventKind {
  /** event.action, as a rule's `on:` names it. */
  kind: string;
  /** The `tools:` of its rule: what its default prompt asks for, and the comment it posts. */
  tools: string[];
  /** Mentions the bot: rules on text people write run only on a mention. */
  mention: boolean;
  payload(botLogin: string): Payload;
}

/** A recorded payload written just now (the relay ignores replays of old ones), its text mentioning the bot. */
function recorded(event: string, action: string, edit: (p: Payload, now: string) => void = () => {}) {
  const payload: Payload = examplePayload(event, action);
  const now = new Date().toISOString();
  for (const thing of [payload.issue, payload.pull_request, payload.comment]) if (thing) thing.created_at = now;
  if (payload.review) payload.review.submitted_at = now;
  edit(payload, now);
  return payload;
}

export const eventKinds: EventKind[] = [
  {
    kind: "issues.opened",
    tools: ["get_issue", "post_issue_comment"],
    mention: false,
    payload: () => recorded("issues", "opened"),
  },
  {
    kind: "issues.labeled",
    tools: ["get_issue", "post_issue_comment"],
    mention: false,
    payload: () => recorded("issues", "labeled"),
  },
  {
    kind: "issue_comment.created",
    tools: ["list_issue_comments", "post_issue_comment"],
    mention: true,
    payload: (bot) => recorded("issue_comment", "created", (p) => (p.comment.body = `@${bot} is this a typo?`)),
  },
  {
    kind: "pull_request.opened",
    tools: ["get_pull_request_files", "post_issue_comment"],
    mention: false,
    payload: () => recorded("pull_request", "opened"),
  },
  {
    kind: "pull_request_review.submitted",
    tools: ["list_review_comments", "post_issue_comment"],
    mention: true,
    payload: (bot) =>
      recorded("pull_request_review", "submitted", (p) => (p.review.body = `@${bot} please have a look`)),
  },
  {
    kind: "pull_request_review_comment.created",
    tools: ["list_review_comments", "post_issue_comment"],
    mention: true,
    payload: (bot) =>
      recorded("pull_request_review_comment", "created", (p) => (p.comment.body = `@${bot} is this right?`)),
  },
];

/** The config file: one rule per kind, in that order, each with its own tools. */
export function eventKindsConfig(): string {
  const rules = eventKinds.map((k) =>
    [
      `  - name: ${k.kind.replace(/[._]/g, "-")}`,
      `    on: ${k.kind}`,
      ...(k.mention ? ["    if: { mentions_bot: true }"] : []),
      `    tools: [${k.tools.join(", ")}]`,
    ].join("\n"),
  );
  return `rules:\n${rules.join("\n")}\n`;
}

/**
 * What GitHub holds when the deliveries go out (the worker reads comments and reviews back before a
 * run): the issue, the mention on it, the pull request, its review and the review comment, as the payloads say.
 */
export function seedRepository(github: GitHubStandIn, payloads: Map<string, Payload>) {
  const at = (kind: string) => payloads.get(kind)!;
  const where = { owner: "Codertocat", repo: "Hello-World" };
  github.addIssueFromPayload(at("issues.opened") as Parameters<GitHubStandIn["addIssueFromPayload"]>[0]);
  const mention = at("issue_comment.created");
  github.addComment({ ...where, issue_number: mention.issue.number, ...pick(mention.comment) });
  const pull = at("pull_request.opened").pull_request;
  github.addPullRequest({ ...where, number: pull.number, title: pull.title, body: pull.body, head: pull.head });
  const review = at("pull_request_review.submitted").review;
  github.addReview({ ...where, pull_number: pull.number, id: review.id, body: review.body, user: review.user });
  const comment = at("pull_request_review_comment.created").comment;
  github.addReviewComment({
    ...where,
    pull_number: pull.number,
    review_id: comment.pull_request_review_id,
    ...pick(comment),
  });
}

const pick = (comment: Payload) => ({ id: comment.id, body: comment.body, user: comment.user });
