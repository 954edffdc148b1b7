/** Time as the scheduler reads it: injected, so tests run a day of ticks in milliseconds. */
export interface ScheduleClock {
  now(): number;
  /** Calls `fire` once the clock reaches `at` (ms); returns the way to cancel. */
  at(at: number, fire: () => Promise<void>): () => void;
}

// setTimeout holds at most 2^31-1 ms (about 24.8 days): longer waits are taken in steps.
const longestWait = 2 ** 31 - 1;

/** The machine's clock and timers. */
export const systemClock: ScheduleClock = {
  now: () => Date.now(),
  at(at, fire) {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const wait = at - Date.now();
      if (wait > 0) {
        // Unref'd: a schedule alone does not keep a process alive; the relay's server does.
        timer = setTimeout(arm, Math.min(wait, longestWait)).unref();
        return;
      }
      timer = undefined;
      void fire();
    };
    arm();
    return () => clearTimeout(timer);
  },
};

/** Timers that forget themselves once fired, all cancelled at once by `clear`. */
export function timerGroup(clock: ScheduleClock) {
  const cancels = new Set<() => void>();
  return {
    at(time: number, run: () => Promise<void>): void {
      const cancel = clock.at(time, async () => {
        cancels.delete(cancel);
        await run();
      });
      cancels.add(cancel);
    },
    clear(): void {
      for (const cancel of cancels) cancel();
      cancels.clear();
    },
  };
}
