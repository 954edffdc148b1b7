import type { Coordination } from "../coordination.ts";
import { budgetSpanMs, decideWrite } from "../write-budget.ts";
import type { RunScript } from "./define-scripts.ts";

/**
 * Named locks, the comment budget and epochs on Redis (keys: coordination-scripts.ts).
 * The budget is decided by write-budget.ts, the one algorithm every backend
 * shares: a script loads the window's slots with the budget's version, the
 * decision is made here, and a second script appends the slot only if the
 * version is still the same (else it starts over), so two processes cannot
 * both take the last slot.
 */
export function createRedisCoordination(run: RunScript, now: () => number): Coordination {
  return {
    async takeTurn(pace, gapMs) {
      return Number(await run("takeTurn", pace, Math.ceil(gapMs)));
    },
    async tryLock(name, owner, ttlMs) {
      return (await run("tryLock", name, owner, Math.ceil(ttlMs))) === 1;
    },
    async unlock(name, owner) {
      await run("unlock", name, owner);
    },
    async reserveWrite(budget, limits, options) {
      if (limits.length === 0) return { ok: true };
      const span = budgetSpanMs(limits);
      for (let tries = 0; tries < 50; tries++) {
        // One clock reading for the load, the decision and the append.
        const t = now();
        const [version, ...slots] = (await run.at(t, "readWrites", budget, span)) as string[];
        const slot = decideWrite(limits, slots.map(Number), t);
        if (!slot.ok || options?.peek) return slot;
        if ((await run.at(t, "appendWrite", budget, version!, span)) === 1) return slot;
      }
      throw new Error("the comment budget changed under every one of 50 tries to take a slot");
    },
    async readEpoch(name) {
      return Number(await run("readEpoch", name));
    },
    async advanceEpoch(name) {
      return Number(await run("advanceEpoch", name));
    },
  };
}
