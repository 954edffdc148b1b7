import type { ScheduleClock } from "../../relay/schedules/schedule-clock.ts";

/** A clock that moves only when the test says: a day of schedule ticks runs in milliseconds. */
export function manualClock(start: number | string) {
  let now = typeof start === "string" ? Date.parse(start) : start;
  const timers = new Set<{ at: number; fire: () => Promise<void> }>();
  const clock: ScheduleClock & { advanceTo(to: number | string): Promise<void>; readonly timers: number } = {
    now: () => now,
    at(at, fire) {
      const timer = { at, fire };
      timers.add(timer);
      return () => void timers.delete(timer);
    },
    /** Fires each timer due by `to`, in time order, each with the clock at its time, awaiting each. */
    async advanceTo(to) {
      const target = typeof to === "string" ? Date.parse(to) : to;
      for (;;) {
        const due = [...timers].filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers.delete(due);
        now = Math.max(now, due.at);
        await due.fire();
      }
      now = Math.max(now, target);
    },
    get timers() {
      return timers.size;
    },
  };
  return clock;
}
export type ManualClock = ReturnType<typeof manualClock>;
