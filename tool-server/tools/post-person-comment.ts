import { toHttpError } from "../../github/github-error.ts";
import { stripRunMarkers } from "../../github/run-comment.ts";
import { neutralizeMentions } from "../../github/safe-comment.ts";
import { attributionLine } from "../policy/attribution.ts";
import type { CallContext, ToolDependencies } from "../tool-definition.ts";
import { personMayWrite, waitForPersonWriteSlot } from "./person-write.ts";

const chatMarker = "\n\n<!-- openwebui-github:chat -->";

export interface PersonComment {
  owner: string;
  repo: string;
  issue_number: number;
  body: string;
}

/** A person's chat: an issue the policy lets them write on, one new comment per call, logged with who asked. */
export async function postPersonComment(input: PersonComment, call: CallContext, deps: ToolDependencies) {
  const writer = await personMayWrite(call, deps, input.owner, input.repo);
  // A person signed in with GitHub comments through postAsSignedInPerson, never here.
  const person = writer.person!;
  const where = `${input.owner}/${input.repo}#${input.issue_number}`;
  // A person waits a little for the comment budget, then hears when to try again.
  await waitForPersonWriteSlot(deps, writer, input.owner, input.repo, `issue ${where}`);
  const attribution = deps.people().attribution ? attributionLine(person) : "";
  try {
    const { data } = await deps.github.rest.issues.createComment({
      owner: input.owner,
      repo: input.repo,
      issue_number: input.issue_number,
      // A person's text never carries a run's marker: a copied one would pass for that run's comment.
      body: neutralizeMentions(stripRunMarkers(input.body)) + attribution + chatMarker,
      // Not idempotent: after a 5xx the comment may exist, so the model sees the error instead of a silent second post.
      request: { retries: 0 },
    });
    deps.logger.info("person comment posted", {
      userId: person.userId,
      via: person.via,
      chatId: call.chatId,
      issue: where,
      commentId: data.id,
      url: data.html_url,
    });
    return { id: data.id, html_url: data.html_url, updated: false };
  } catch (error) {
    throw toHttpError(error, `issue ${where}`);
  }
}
