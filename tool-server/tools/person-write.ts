import { toHttpError } from "../../github/github-error.ts";
import { HttpError } from "../../lib/http-error.ts";
import { waitForCommentTurn, waitForWriteSlot } from "../../store/wait-for-write-slot.ts";
import type { Person } from "../auth/caller.ts";
import { takePersonSlots } from "../policy/person-budget.ts";
import { requireAccess } from "../policy/require-access.ts";
import type { CallContext, ToolDependencies } from "../tool-definition.ts";

/** Who writes: a person Open WebUI vouched for (our token, their budget), or one signed in with GitHub (their token). */
export interface Writer {
  /** `user:<Open WebUI user id>` or `github:<login>`: what a confirmation is bound to. */
  key: string;
  /** Absent for a person signed in with GitHub: GitHub's own limits apply to their token. */
  person?: Person;
}

/**
 * Who in this chat may write on the repository: a person the people policy gives write (within
 * GITHUB_REPOS), or one signed in with GitHub (GitHub decides); a refusal the model can relay
 * otherwise. Writes also need the chat id, which binds a workflow's confirmation to its chat.
 */
export async function personMayWrite(
  call: CallContext,
  deps: ToolDependencies,
  owner: string,
  repo: string,
): Promise<Writer> {
  await requireAccess(call, deps, owner, repo, "write");
  // requireAccess lets no anonymous caller write, except one signed in with GitHub.
  const writer: Writer | undefined = call.person
    ? { key: `github:${call.person.login}` }
    : call.caller.kind === "person"
      ? { key: `user:${call.caller.person.userId}`, person: call.caller.person }
      : undefined;
  if (!writer) throw new HttpError(403, "Only a verified person may write.");
  if (!call.chatId) {
    throw new HttpError(
      403,
      "This tool needs the chat id header from Open WebUI, and it is missing: an administrator must add the header X-OpenWebUI-Chat-Id: {{CHAT_ID}} to the tool server connection (npm run register does). Do not retry.",
    );
  }
  return writer;
}

/**
 * Takes a slot of the repository's comment budget for a person's write: GitHub counts every piece of
 * content created (comments, issues) against one limit, and the person's comments_per_hour and
 * people's share of that budget count it too. Waits a little, then says when to retry.
 */
export async function waitForPersonWriteSlot(
  deps: ToolDependencies,
  writer: Writer,
  owner: string,
  repo: string,
  what: string,
): Promise<void> {
  const { person } = writer;
  if (!person) return;
  const budget = await deps.budgetFor(owner, repo).catch((error: unknown) => {
    throw toHttpError(error, what);
  });
  await takePersonSlots(deps, budget, person);
  try {
    await waitForWriteSlot(deps.coordination, budget, deps.commentLimits, deps.personCommentWaitMs);
    await waitForCommentTurn(deps.coordination, budget, deps.commentTiming.spacingMs);
  } catch (error) {
    throw new HttpError(429, `${(error as Error).message} Tell the user to try again later; do not retry right away.`);
  }
}
