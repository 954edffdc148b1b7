import { HttpError } from "../../lib/http-error.ts";
import type { RunRecord, RunStore } from "../../store/run-store.ts";
import type { Caller } from "./caller.ts";

/**
 * The relay run a call belongs to, if any. A chat id alone proves nothing (anyone holding the tool key
 * can send one): it names a run only while that run lasts, and, when identity can be verified, only
 * for the Open WebUI account the relay's chat belongs to. A chat id naming a run that has ended, or
 * another account's run, is refused outright, so replaying it changes nothing.
 *
 * Without any way to verify identity (no JWT secret, plain headers not trusted), a live run's chat id
 * alone still gives that run's narrow scope (its one issue), as before issue 12; never past the run.
 */
export async function recogniseRun(
  runs: RunStore,
  chatId: string | null,
  caller: Caller,
  identityOn: boolean,
): Promise<RunRecord | undefined> {
  if (!chatId) return undefined;
  const run = await runs.get(chatId);
  if (!run) return undefined;
  if (!run.live) {
    throw new HttpError(
      403,
      "This chat belongs to an automated issue run that has ended; its tools are closed. Do not retry; nothing was changed.",
    );
  }
  if (!identityOn) return run;
  if (caller.kind === "person" && run.userId !== null && caller.person.userId === run.userId) return run;
  throw new HttpError(
    403,
    "This chat belongs to an automated issue run of another account, so this call cannot act for it. Do not retry; nothing was changed.",
  );
}
