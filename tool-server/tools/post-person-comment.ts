import { toHttpError } from "../../github/github-error.ts";
import { stripRunMarkers } from "../../github/run-comment.ts";
import { neutralizeMentions } from "../../github/safe-comment.ts";
import { HttpError } from "../../lib/http-error.ts";
import { waitForCommentTurn, waitForWriteSlot } from "../../store/wait-for-write-slot.ts";
import { attributionLine } from "../policy/attribution.ts";
import { takePersonSlots } from "../policy/person-budget.ts";
import { requireAccess } from "../policy/require-access.ts";
import type { CallContext, ToolDependencies } from "../tool-definition.ts";

const chatMarker = "\n\n<!-- openwebui-github:chat -->";

export interface PersonComment {
  owner: string;
  repo: string;
  issue_number: number;
  body: string;
}

/** A person's chat: an issue the policy lets them write on, one new comment per call, logged with who asked. */
export async function postPersonComment(input: PersonComment, call: CallContext, deps: ToolDependencies) {
  await requireAccess(call, deps, input.owner, input.repo, "write");
  // requireAccess lets no anonymous caller write.
  if (call.caller.kind !== "person") throw new HttpError(403, "Only a verified person may comment.");
  const { person } = call.caller;
  const where = `${input.owner}/${input.repo}#${input.issue_number}`;
  const budget = await deps.budgetFor(input.owner, input.repo).catch((error: unknown) => {
    throw toHttpError(error, `issue ${where}`);
  });
  await takePersonSlots(deps, budget, person);
  // A person waits a little for the comment budget, then hears when to try again.
  try {
    await waitForWriteSlot(deps.coordination, budget, deps.commentLimits, deps.personCommentWaitMs);
    await waitForCommentTurn(deps.coordination, budget, deps.commentTiming.spacingMs);
  } catch (error) {
    throw new HttpError(429, `${(error as Error).message} Tell the user to try again later; do not retry right away.`);
  }
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
