import { toHttpError } from "../../../github/github-error.ts";
import { stripRunMarkers } from "../../../github/run-comment.ts";
import { neutralizeMentions } from "../../../github/safe-comment.ts";
import type { ToolDependencies } from "../../tool-definition.ts";
import { assertRepoAllowed } from "../../tools/access.ts";
import type { SignedInPerson } from "./person-auth.ts";

export interface CommentInput {
  owner: string;
  repo: string;
  issue_number: number;
  body: string;
}

/**
 * A comment by someone signed in with GitHub: posted with their token, so it is theirs and GitHub's
 * own permissions decide; GITHUB_REPOS still bounds it. No marker of ours (it is no run's comment,
 * nor the bot's), and no share of the bot token's budget: GitHub limits each person on their own.
 */
export async function postAsSignedInPerson(
  input: CommentInput,
  person: SignedInPerson,
  deps: ToolDependencies,
  what: string,
) {
  assertRepoAllowed(deps, input.owner, input.repo);
  try {
    const { data } = await person.github.rest.issues.createComment({
      owner: input.owner,
      repo: input.repo,
      issue_number: input.issue_number,
      body: neutralizeMentions(stripRunMarkers(input.body)),
      // Not idempotent: after a 5xx the comment may exist.
      request: { retries: 0 },
    });
    deps.logger.info("comment posted as a person", {
      login: person.login,
      repository: `${input.owner}/${input.repo}`,
      issue: input.issue_number,
      commentId: data.id,
    });
    return { id: data.id, html_url: data.html_url, updated: false };
  } catch (error) {
    throw toHttpError(error, what);
  }
}
