import type { WriteLimit, WriteSlot } from "./coordination.ts";

/**
 * A slot is taken just before the request leaves, but GitHub counts it when it
 * arrives: each window is stretched by a fifth so that delay (and the queueing
 * in the GitHub client's write pacing) can never push two requests into one of GitHub's windows.
 */
const windowSlack = 1.2;

/** The windows as enforced, each stretched (see windowSlack). */
export function stretchedLimits(limits: readonly WriteLimit[]): WriteLimit[] {
  return limits.map((l) => ({ max: l.max, windowMs: Math.ceil(l.windowMs * windowSlack) }));
}

/**
 * How far back a backend has to keep slots for these limits: slots taken at or
 * before `now - budgetSpanMs(limits)` no longer count and may be deleted.
 */
export function budgetSpanMs(limits: readonly WriteLimit[]): number {
  return Math.max(0, ...stretchedLimits(limits).map((l) => l.windowMs));
}

/**
 * The comment budget's one algorithm, shared by every backend: given the times
 * of the slots taken after `now - budgetSpanMs(limits)`, oldest first, may one
 * more be taken now, or in how many ms does one free up? Backends only load the
 * slots, and append `now` when this answers ok (atomically with the load, so two
 * processes cannot both take the last slot).
 */
export function decideWrite(limits: readonly WriteLimit[], slots: readonly number[], now: number): WriteSlot {
  let wait = 0;
  for (const limit of stretchedLimits(limits)) {
    const inWindow = slots.filter((at) => at > now - limit.windowMs);
    if (inWindow.length >= limit.max)
      wait = Math.max(wait, inWindow[inWindow.length - limit.max]! + limit.windowMs - now + 1);
  }
  return wait > 0 ? { ok: false, retryInMs: wait } : { ok: true };
}
