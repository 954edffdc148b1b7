import { Cron } from "croner";
import type { Rule } from "../../config/rules-schema.ts";
import { cronMode, defaultTimezone, scheduleOn, type ScheduleTarget } from "../../config/schedule-schema.ts";

/** A rule the relay runs by the clock: `on: schedule`, with what the config check made sure it has. */
export type ScheduleRule = Rule & { on: typeof scheduleOn; cron: string; target: ScheduleTarget; repos: [string] };

export function isScheduleRule(rule: Rule): rule is ScheduleRule {
  return rule.on === scheduleOn && rule.cron !== undefined && rule.target !== undefined && rule.repos?.length === 1;
}

/** The event ticks are stored under, as GitHub's deliveries are under theirs. */
export const tickEvent = "schedule";

function cronOf(rule: ScheduleRule): Cron {
  return new Cron(rule.cron, { timezone: rule.timezone ?? defaultTimezone, paused: true, mode: cronMode });
}

/** The first tick strictly after `after` (ms), or null when the schedule has no more. */
export function nextTick(rule: ScheduleRule, after: number): number | null {
  // croner drops milliseconds from its reference, so a tick at `after` itself would come back.
  const next = cronOf(rule).nextRun(new Date(Math.floor(after / 1000) * 1000 + 999));
  return next ? next.getTime() : null;
}

/** The latest tick at or before `at` (ms), or null when there was none. */
export function latestTick(rule: ScheduleRule, at: number): number | null {
  // croner counts a run exactly at the reference as after it; one millisecond later it is before.
  const [previous] = cronOf(rule).previousRuns(1, new Date(at + 1));
  return previous ? previous.getTime() : null;
}

/** The tick's delivery key: one per rule and tick time, so every replica and restart stores it once. */
export function tickKey(rule: Pick<Rule, "name">, tick: number): string {
  return `${tickEvent}:${rule.name}@${new Date(tick).toISOString()}`;
}

/** Where the relay notes when it first saw a schedule: ticks before that are not caught up. */
export function firstSeenKey(rule: Pick<Rule, "name">): string {
  return `${tickEvent}:${rule.name}@first-seen`;
}

/** The rule's one repository, split. */
export function scheduleRepo(rule: ScheduleRule): { owner: string; repo: string } {
  const [owner, repo] = rule.repos[0].split("/") as [string, string];
  return { owner, repo };
}
