import { TransientError } from "../lib/transient-error.ts";
import type { Coordination, WriteLimit } from "./coordination.ts";

/**
 * Waits for a slot of the named comment budget and takes it, right before the
 * comment is created: GitHub counts content creation when the request
 * arrives. Gives up after `maxWaitMs` with a transient error (retried later).
 */
export async function waitForWriteSlot(
  coordination: Coordination,
  budget: string,
  limits: readonly WriteLimit[],
  maxWaitMs: number,
): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const slot = await coordination.reserveWrite(budget, limits);
    if (slot.ok) return;
    if (Date.now() + slot.retryInMs > deadline) {
      throw new TransientError(
        `GitHub's comment budget (${budget}) is used up for the next ${Math.ceil(slot.retryInMs / 60_000)} minute(s).`,
        { retryAfterMs: slot.retryInMs },
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(slot.retryInMs, 5_000)));
  }
}

/**
 * Waits for this comment's turn in the spacing GitHub asks between new comments, kept through the
 * store so that every process on it (the relay, the tool server, replicas) shares one pace per
 * budget: GitHub spaces the comments of each token (or installation), not of the whole deployment.
 */
export async function waitForCommentTurn(coordination: Coordination, budget: string, spacingMs: number): Promise<void> {
  if (spacingMs <= 0) return;
  const wait = await coordination.takeTurn(`comments:${budget}`, spacingMs);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
