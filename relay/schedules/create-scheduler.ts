import type { Rule } from "../../config/rules-schema.ts";
import type { RepoAllowList } from "../../github/repo-allow-list.ts";
import type { Logger } from "../../lib/logger.ts";
import type { DeliveryLog } from "../../store/delivery-log.ts";
import { systemClock, timerGroup, type ScheduleClock } from "./schedule-clock.ts";
import { missedTick } from "./missed-tick.ts";
import { isScheduleRule, nextTick, tickKey, type ScheduleRule } from "./schedule-ticks.ts";
import { tickDelivery } from "./tick-delivery.ts";

export interface SchedulerOptions {
  /** The rules now; the schedules among them are read at start and at each reschedule. */
  rules: () => readonly Rule[];
  deliveries: Pick<DeliveryLog, "add" | "get">;
  allowList: RepoAllowList;
  logger: Logger;
  /** Wakes the worker for a tick just stored. */
  onQueued: () => void;
  clock?: ScheduleClock;
  /** How soon a tick the store refused is tried again (while it is still the latest). Default 10 s. */
  retryMs?: number;
}

/**
 * Stores each schedule's ticks as deliveries; the worker runs them like any other. A tick's key is
 * the rule and its time, and the store adds a key once: every replica and every restart may try,
 * one run results. At start, the latest tick missed while the relay was down is stored once; a
 * schedule the relay has never seen before starts at its next tick (firstSeenDelivery).
 */
export function createScheduler(options: SchedulerOptions) {
  const { deliveries, logger } = options;
  const clock = options.clock ?? systemClock;
  const retryMs = options.retryMs ?? 10_000;
  const timers = timerGroup(clock);
  // A reschedule or stop makes the timers and catch-ups of the one before it stale.
  let generation = 0;

  async function store(rule: ScheduleRule, tick: number): Promise<void> {
    const delivery = tickDelivery(rule, tick, options.allowList);
    const { inserted } = await deliveries.add(delivery);
    if (!inserted) return;
    logger.info("schedule tick stored", { rule: rule.name, key: delivery.key, status: delivery.status });
    if (delivery.status === "pending") options.onQueued();
  }

  /** Stores the tick; after a store failure, tries again while the tick is still the latest. */
  async function fire(rule: ScheduleRule, tick: number, gen: number): Promise<void> {
    try {
      await store(rule, tick);
    } catch (error) {
      logger.error("schedule tick not stored", { rule: rule.name, key: tickKey(rule, tick), error: String(error) });
      const retryAt = clock.now() + retryMs;
      const next = nextTick(rule, tick);
      if (next === null || retryAt < next) return at(retryAt, gen, () => fire(rule, tick, gen));
    }
    arm(rule, tick, gen);
  }

  function arm(rule: ScheduleRule, after: number, gen: number): void {
    if (gen !== generation) return;
    const next = nextTick(rule, Math.max(after, clock.now()));
    if (next === null) return void logger.info("schedule has no more ticks", { rule: rule.name });
    at(next, gen, () => fire(rule, next, gen));
  }

  /** A timer that does nothing once its generation is stale. */
  function at(time: number, gen: number, run: () => Promise<void>): void {
    timers.at(time, () => (gen === generation ? run() : Promise.resolve()));
  }

  async function begin(rule: ScheduleRule, gen: number): Promise<void> {
    const now = clock.now();
    try {
      // Logged as any stored tick is, so the log shows it was run at start.
      const missed = await missedTick(rule, now, deliveries);
      if (missed !== null) await store(rule, missed);
    } catch (error) {
      logger.error("missed schedule tick not checked", { rule: rule.name, error: String(error) });
    }
    arm(rule, now, gen);
  }

  /** (Re)reads the rules: timers of the previous ones stop, each schedule catches up and waits for its next tick. */
  async function reschedule(): Promise<void> {
    const gen = ++generation;
    timers.clear();
    const schedules = options.rules().filter(isScheduleRule);
    await Promise.all(schedules.map((rule) => begin(rule, gen)));
    if (schedules.length) logger.info("schedules armed", { rules: schedules.map((rule) => rule.name) });
  }

  return {
    start: reschedule,
    reschedule,
    stop(): void {
      generation++;
      timers.clear();
    },
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
