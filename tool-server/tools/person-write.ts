import { toHttpError } from "../../github/github-error.ts";
import { HttpError } from "../../lib/http-error.ts";
import { waitForCommentTurn, waitForWriteSlot } from "../../store/wait-for-write-slot.ts";
import type { CallContext, ToolDependencies } from "../tool-definition.ts";
import { assertRepoAllowed } from "./access.ts";

/**
 * Whether the person in this chat may write to the repository. A placeholder until the people
 * policy says who has write access: for now, as post_issue_comment does, any chat that names
 * itself (the chat id header) may write in the allowed repositories.
 */
export function assertPersonMayWrite(call: CallContext, deps: ToolDependencies, owner: string, repo: string): void {
  if (!call.chatId) {
    throw new HttpError(
      403,
      "This tool needs the chat id header from Open WebUI, and it is missing: an administrator must add the header X-OpenWebUI-Chat-Id: {{CHAT_ID}} to the tool server connection (npm run register does). Do not retry.",
    );
  }
  assertRepoAllowed(deps, owner, repo);
}

/**
 * Takes a slot of the repository's comment budget for a person's write: GitHub counts every piece
 * of content created (comments, issues) against one limit. Waits a little, then says when to retry.
 */
export async function waitForPersonWriteSlot(
  deps: ToolDependencies,
  owner: string,
  repo: string,
  what: string,
): Promise<void> {
  const budget = await deps.budgetFor(owner, repo).catch((error: unknown) => {
    throw toHttpError(error, what);
  });
  try {
    await waitForWriteSlot(deps.coordination, budget, deps.commentLimits, deps.personCommentWaitMs);
    await waitForCommentTurn(deps.coordination, budget, deps.commentTiming.spacingMs);
  } catch (error) {
    throw new HttpError(429, `${(error as Error).message} Tell the user to try again later; do not retry right away.`);
  }
}
