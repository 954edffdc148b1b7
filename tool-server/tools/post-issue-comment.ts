import { z } from "zod";
import { toHttpError } from "../../github/github-error.ts";
import { threadRuleOf } from "../../github/comment-thread.ts";
import { postRunComment } from "../../github/post-run-comment.ts";
import { findCredentials } from "../../github/safe-comment.ts";
import { HttpError } from "../../lib/http-error.ts";
import type { RunRecord } from "../../store/run-store.ts";
import { postAsSignedInPerson } from "../auth/oauth/post-as-signed-in-person.ts";
import { defineTool, type ToolDependencies } from "../tool-definition.ts";
import { assertRepoAllowed, assertRunMayComment, isRunTarget, runIssue } from "./access.ts";
import { issueNumberField, ownerField, repoField } from "./issue-fields.ts";
import { postPersonComment } from "./post-person-comment.ts";
import { observeComment } from "../observe/observe-comment.ts";
import { observedField, observedRun } from "../observe/record-observed-write.ts";

// Leaves room under GitHub's 65,536-character limit for the run's header, footer and marker.
const maxBodyLength = 60_000;

const inputSchema = z.object({
  owner: ownerField,
  repo: repoField,
  issue_number: issueNumberField,
  body: z.string().min(1).max(maxBodyLength).meta({
    description:
      "The comment text in GitHub Markdown. Write the content only; the automated analysis adds its own heading and footer.",
  }),
});

const outputSchema = z.strictObject({
  id: z.int().meta({ description: "GitHub's id of the comment." }),
  html_url: z.url().meta({ description: "Link to the comment on GitHub; give it to the user." }),
  updated: z
    .boolean()
    .meta({ description: "True when an earlier comment of this run was replaced instead of a new one posted." }),
  observed: observedField,
});

type Input = z.infer<typeof inputSchema>;
type Output = z.infer<typeof outputSchema>;

export const postIssueComment = defineTool({
  name: "post_issue_comment",
  summary: "Comment on a GitHub issue",
  description:
    "Post a comment on a GitHub issue, visible to everyone who can see the repository. Use it once you have read the issue and have a complete answer or analysis to share; write the whole comment in one call (Markdown). In an automated issue analysis, comment only on the issue you were asked about, once unless your instructions allow more: a call past what the run may post replaces its last comment instead of adding another. In an automated run started by a review comment on a pull request, give that pull request's number: the comment is posted as a reply in that comment's review thread.",
  input: inputSchema,
  output: outputSchema,
  async handler(input, call, deps) {
    // Observe mode (issue 13): recorded instead of posted, before anything reaches GitHub.
    const observed = observedRun(call);
    if (observed) return observeComment(input, observed, deps);
    const what = `issue ${input.owner}/${input.repo}#${input.issue_number}`;
    const leaked = findCredentials(input.body, deps.secrets);
    if (leaked.length > 0) {
      deps.logger.warn("comment refused: it contains a credential", { chatId: call.chatId, found: leaked });
      throw new HttpError(
        422,
        "The comment contains what looks like a key, token or password. Never post credentials: remove it and call post_issue_comment again.",
      );
    }
    if (call.person) return postAsSignedInPerson(input, call.person, deps, what);
    // Without a chat id, a relay run cannot be told from a person's chat, so its scope could not be
    // enforced: refuse the write rather than let it through unscoped.
    if (!call.chatId) {
      throw new HttpError(
        403,
        "Commenting needs the chat id header from Open WebUI, and it is missing: an administrator must add the header X-OpenWebUI-Chat-Id: {{CHAT_ID}} to the tool server connection (npm run register does). Do not retry.",
      );
    }
    const { run } = call;
    return run ? postAsRun(input, run, deps, what) : postPersonComment(input, call, deps);
  },
});

/** A relay run: only the issue it was started for, up to its rule's max_comments, the last edited when called again. */
async function postAsRun(input: Input, run: RunRecord, deps: ToolDependencies, what: string): Promise<Output> {
  assertRunMayComment(run);
  const maxComments = run.rule?.maxComments ?? 1;
  if (!isRunTarget(run, input.owner, input.repo, input.issue_number)) {
    throw new HttpError(
      403,
      `This automated run may only comment on ${runIssue(run)}, the issue it was started for. Call post_issue_comment again with owner "${run.owner}", repo "${run.repo}" and issue_number ${run.issueNumber}.`,
    );
  }
  assertRepoAllowed(deps, input.owner, input.repo);
  try {
    const posted = await postRunComment(
      deps,
      {
        owner: run.owner,
        repo: run.repo,
        issueNumber: run.issueNumber,
        deliveryId: run.deliveryId,
        // Fixed by the relay from the signed payload, whatever the model asks: a review comment's run replies in its thread.
        reviewCommentId: run.reviewCommentId,
        threadRule: threadRuleOf(run.rule),
      },
      input.body,
      { runs: deps.runs, chatId: run.chatId, deliveryKey: run.deliveryKey, commentId: run.commentId, maxComments },
    );
    if ("supersededBy" in posted) {
      deps.logger.info("run comment refused: superseded", { deliveryId: run.deliveryId, chatId: run.chatId });
      throw new HttpError(
        409,
        `A newer push started a newer run on ${runIssue(run)}; its comment replaces this run's, so nothing was posted. Your work here is done: do not call post_issue_comment again.`,
      );
    }
    deps.logger.info("run comment posted", {
      deliveryId: run.deliveryId,
      chatId: run.chatId,
      commentId: posted.id,
      action: posted.action,
    });
    return { id: posted.id, html_url: posted.html_url, updated: posted.action === "updated" };
  } catch (error) {
    throw toHttpError(error, what);
  }
}
