import { describe, expect, it } from "vitest";
import { ruleSchema, type Rule } from "../../config/rules-schema.ts";
import { parseRepoAllowList } from "../../github/repo-allow-list.ts";
import { silentLogger } from "../../lib/logger.ts";
import { createScheduler } from "../../relay/schedules/create-scheduler.ts";
import type { RelayStores } from "../../store/stores.ts";
import { manualClock, type ManualClock } from "../support/manual-clock.ts";
import { contractBackends, useStores } from "../support/store-backends.ts";

const schedule = (name: string, cron: string, extra: Record<string, unknown> = {}): Rule =>
  ruleSchema.parse({
    name,
    on: "schedule",
    cron,
    repos: ["octo/app"],
    prompt: "Summarise the day in {{repository}}.",
    target: { issue: 1 },
    ...extra,
  });

const { allowList } = parseRepoAllowList(["octo/app"]);

/** One relay process's scheduler over the given stores and clock. */
function scheduler(stores: RelayStores, clock: ManualClock, rules: () => readonly Rule[]) {
  let queued = 0;
  const s = createScheduler({
    rules,
    deliveries: stores.deliveries,
    allowList,
    logger: silentLogger,
    clock,
    onQueued: () => queued++,
  });
  return Object.assign(s, { queued: () => queued });
}

/** The times of the rule's stored ticks, oldest first. */
async function ticksOf(stores: RelayStores, rule: string): Promise<string[]> {
  const all = await stores.deliveries.list({ limit: 10_000 });
  const prefix = `schedule:${rule}@`;
  return all
    .filter((d) => d.key.startsWith(prefix) && d.action === "tick")
    .map((d) => d.key.slice(prefix.length))
    .sort();
}

describe.each(contractBackends())("schedules on $name", (backend) => {
  const open = useStores(backend);

  it("stores a day of quarter-hour ticks once each, in seconds of real time", async () => {
    const clock = manualClock("2026-12-02T00:00:30Z");
    const stores = await open(clock.now);
    const s = scheduler(stores, clock, () => [schedule("quarterly", "*/15 * * * *")]);
    await s.start();
    const started = performance.now();
    await clock.advanceTo("2026-12-03T00:00:30Z");
    const elapsed = performance.now() - started;
    const ticks = await ticksOf(stores, "quarterly");
    expect(ticks).toHaveLength(96);
    expect(ticks[0]).toBe("2026-12-02T00:15:00.000Z");
    expect(ticks.at(-1)).toBe("2026-12-03T00:00:00.000Z");
    expect(new Set(ticks).size).toBe(96);
    expect(s.queued()).toBe(96);
    expect((await stores.deliveries.get("schedule:quarterly@2026-12-02T08:00:00.000Z"))?.status).toBe("pending");
    expect(elapsed).toBeLessThan(5_000);
    s.stop();
  });

  it("reads the cron in the rule's time zone: 08:00 in Berlin is 07:00 UTC in winter", async () => {
    const clock = manualClock("2026-12-01T12:00:00Z");
    const stores = await open(clock.now);
    const s = scheduler(stores, clock, () => [schedule("berlin", "0 8 * * 1-5", { timezone: "Europe/Berlin" })]);
    await s.start();
    await clock.advanceTo("2026-12-07T12:00:00Z");
    // Wednesday to Monday: Saturday and Sunday have none.
    expect(await ticksOf(stores, "berlin")).toEqual([
      "2026-12-02T07:00:00.000Z",
      "2026-12-03T07:00:00.000Z",
      "2026-12-04T07:00:00.000Z",
      "2026-12-07T07:00:00.000Z",
    ]);
    s.stop();
  });

  it("runs neither tick twice nor skips one when the relay restarts between two ticks", async () => {
    const clock = manualClock("2026-12-02T07:59:00Z");
    const rules = () => [schedule("daily", "0 8 * * *")];
    const first = scheduler(await open(clock.now), clock, rules);
    await first.start();
    await clock.advanceTo("2026-12-02T08:30:00Z");
    first.stop();
    // Another process on the same state, between the ticks.
    await clock.advanceTo("2026-12-02T09:00:00Z");
    const stores = await open(clock.now);
    const second = scheduler(stores, clock, rules);
    await second.start();
    expect(second.queued()).toBe(0);
    await clock.advanceTo("2026-12-03T08:30:00Z");
    expect(await ticksOf(stores, "daily")).toEqual(["2026-12-02T08:00:00.000Z", "2026-12-03T08:00:00.000Z"]);
    const claims = [
      await stores.queue.claim(60_000),
      await stores.queue.claim(60_000),
      await stores.queue.claim(60_000),
    ];
    expect(claims.filter(Boolean)).toHaveLength(2);
    second.stop();
  });

  it("runs the latest tick missed while the relay was down once at start, and the ticks before it not at all", async () => {
    const clock = manualClock("2026-12-02T07:30:00Z");
    const rules = () => [schedule("hourly", "0 * * * *")];
    const first = scheduler(await open(clock.now), clock, rules);
    await first.start();
    await clock.advanceTo("2026-12-02T08:30:00Z");
    first.stop();
    // Down from 08:30 to 12:30: 09:00, 10:00, 11:00 and 12:00 were missed.
    await clock.advanceTo("2026-12-02T12:30:00Z");
    const stores = await open(clock.now);
    const second = scheduler(stores, clock, rules);
    await second.start();
    expect(second.queued()).toBe(1);
    second.stop();
    // A third start finds the caught-up tick stored: nothing runs again.
    const third = scheduler(await open(clock.now), clock, rules);
    await third.start();
    expect(third.queued()).toBe(0);
    third.stop();
    expect(await ticksOf(stores, "hourly")).toEqual(["2026-12-02T08:00:00.000Z", "2026-12-02T12:00:00.000Z"]);
  });

  it("starts a schedule it has never seen at its next tick, not with one already past", async () => {
    const clock = manualClock("2026-12-02T12:30:00Z");
    const stores = await open(clock.now);
    const s = scheduler(stores, clock, () => [schedule("fresh", "0 8 * * *")]);
    await s.start();
    expect(await ticksOf(stores, "fresh")).toEqual([]);
    expect((await stores.deliveries.get("schedule:fresh@first-seen"))?.status).toBe("ignored");
    await clock.advanceTo("2026-12-03T08:00:00Z");
    expect(await ticksOf(stores, "fresh")).toEqual(["2026-12-03T08:00:00.000Z"]);
    s.stop();
  });

  it("stores the next tick as its own delivery while the previous tick's run holds its claim", async () => {
    const clock = manualClock("2026-12-02T07:59:00Z");
    const stores = await open(clock.now);
    const s = scheduler(stores, clock, () => [schedule("hourly", "0 * * * *")]);
    await s.start();
    await clock.advanceTo("2026-12-02T08:00:00Z");
    const running = await stores.queue.claim(3 * 3_600_000);
    expect(running?.delivery.key).toBe("schedule:hourly@2026-12-02T08:00:00.000Z");
    // The run is still going at 09:00, and the relay restarts meanwhile: the running tick is not stored again.
    await clock.advanceTo("2026-12-02T09:00:00Z");
    s.stop();
    const again = scheduler(stores, clock, () => [schedule("hourly", "0 * * * *")]);
    await again.start();
    const next = await stores.queue.claim(60_000);
    expect(next?.delivery.key).toBe("schedule:hourly@2026-12-02T09:00:00.000Z");
    expect(await stores.queue.claim(60_000)).toBeUndefined();
    expect(await stores.queue.finish(running!.lease, { status: "done" })).toBe(true);
    expect(await ticksOf(stores, "hourly")).toHaveLength(2);
    again.stop();
  });

  it("reschedules on a reload: a removed schedule stops, a changed one follows its new cron", async () => {
    const clock = manualClock("2026-12-02T07:30:00Z");
    const stores = await open(clock.now);
    let rules = [schedule("a", "0 * * * *"), schedule("b", "0 * * * *")];
    const s = scheduler(stores, clock, () => rules);
    await s.start();
    await clock.advanceTo("2026-12-02T08:30:00Z");
    rules = [schedule("b", "30 * * * *")];
    await s.reschedule();
    await clock.advanceTo("2026-12-02T10:00:00Z");
    expect(await ticksOf(stores, "a")).toEqual(["2026-12-02T08:00:00.000Z"]);
    expect(await ticksOf(stores, "b")).toEqual([
      "2026-12-02T08:00:00.000Z",
      "2026-12-02T08:30:00.000Z",
      "2026-12-02T09:30:00.000Z",
    ]);
    s.stop();
    expect(clock.timers).toBe(0);
  });

  it("stores a tick of a repository GITHUB_REPOS no longer allows as ignored, with the reason", async () => {
    const clock = manualClock("2026-12-02T07:59:00Z");
    const stores = await open(clock.now);
    const s = scheduler(stores, clock, () => [schedule("elsewhere", "0 8 * * *", { repos: ["octo/other"] })]);
    await s.start();
    await clock.advanceTo("2026-12-02T08:00:00Z");
    expect(await stores.deliveries.get("schedule:elsewhere@2026-12-02T08:00:00.000Z")).toMatchObject({
      status: "ignored",
      reason: "octo/other is not in GITHUB_REPOS",
    });
    expect(s.queued()).toBe(0);
    s.stop();
  });
});

describe.each(contractBackends().filter((b) => b.name === "Redis"))("two relay replicas on one $name", (backend) => {
  const open = useStores(backend);

  it("store each tick once when both schedule it, and catch a missed tick up once when both start", async () => {
    const clock = manualClock("2026-12-02T07:30:00Z");
    const rules = () => [schedule("hourly", "0 * * * *")];
    const [one, two] = [await open(clock.now), await open(clock.now)];
    const replicas = [scheduler(one, clock, rules), scheduler(two, clock, rules)];
    await Promise.all(replicas.map((r) => r.start()));
    await clock.advanceTo("2026-12-03T07:30:00Z");
    expect(await ticksOf(one, "hourly")).toHaveLength(24);
    expect(replicas[0]!.queued() + replicas[1]!.queued()).toBe(24);
    for (const r of replicas) r.stop();
    // Both down over 08:00, both back at once: one of them stores it.
    await clock.advanceTo("2026-12-03T08:10:00Z");
    const again = [scheduler(one, clock, rules), scheduler(two, clock, rules)];
    await Promise.all(again.map((r) => r.start()));
    expect(again[0]!.queued() + again[1]!.queued()).toBe(1);
    expect(await ticksOf(two, "hourly")).toHaveLength(25);
    for (const r of again) r.stop();
  });
});
