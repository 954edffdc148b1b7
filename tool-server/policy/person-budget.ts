import { HttpError } from "../../lib/http-error.ts";
import type { WriteLimit } from "../../store/coordination.ts";
import type { Person } from "../auth/caller.ts";
import type { ToolDependencies } from "../tool-definition.ts";

const hourMs = 3_600_000;
/**
 * People together may take this share of each of GitHub's comment limits on a budget; the rest is
 * kept for relay runs, so chats cannot starve the automated analyses (issue 12: one chat used it all).
 */
export const peopleShare = 0.5;

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

/** The limits of the slots people share on a budget: a share of each of GitHub's. */
export function peopleLimits(limits: readonly WriteLimit[]): WriteLimit[] {
  return limits.map((limit) => ({ max: Math.max(1, Math.floor(limit.max * peopleShare)), windowMs: limit.windowMs }));
}

/**
 * Takes one of the person's comments_per_hour and one of people's share of `budget`, or refuses with
 * when to try again. Both are checked before either is taken, so a refusal costs the person nothing.
 */
export async function takePersonSlots(deps: ToolDependencies, budget: string, person: Person): Promise<void> {
  const perHour = deps.people().comments_per_hour;
  if (perHour === 0) {
    throw new HttpError(
      403,
      "Commenting from chats is switched off on this deployment (comments_per_hour is 0). Tell the user; do not retry.",
    );
  }
  const steps: Array<[string, WriteLimit[], (ms: number) => string]> = [
    [
      `person:${person.userId}`,
      [{ max: perHour, windowMs: hourMs }],
      (ms) =>
        `The user has posted the ${perHour} comments a person may post per hour. Tell them they can comment again in about ${minutes(ms)} minute(s); do not retry.`,
    ],
    [
      `people:${budget}`,
      peopleLimits(deps.commentLimits),
      (ms) =>
        `People's share of GitHub's comment budget (${budget}) is used up for about ${minutes(ms)} minute(s); the rest is kept for automated issue analyses. Tell the user to try again later; do not retry right away.`,
    ],
  ];
  for (const [name, limits, refusal] of steps) {
    const slot = await deps.coordination.reserveWrite(name, limits, { peek: true });
    if (!slot.ok) throw new HttpError(429, refusal(slot.retryInMs));
  }
  for (const [name, limits] of steps) await deps.coordination.reserveWrite(name, limits);
}
