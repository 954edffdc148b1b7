import { Cron } from "croner";
import { z } from "zod";
import { parseRepoAllowList } from "../github/repo-allow-list.ts";
import type { Env } from "./config-error.ts";
import type { ConfigFile } from "./config-file-schema.ts";
import type { ConfigIssue } from "./describe-config-issues.ts";
import { channelName } from "./notify-schema.ts";

/** A rule's `on:` for runs the relay starts by the clock instead of by an event. */
export const scheduleOn = "schedule";

/** Five fields, minute precision: a seconds field would let one rule start a run every second. */
export const cronMode = "5-part";

export const cronField = z
  .string()
  .min(1)
  .meta({ description: 'With on: schedule: five cron fields (minute hour day month weekday), e.g. "0 8 * * 1-5".' });

export const timezoneField = z.string().min(1).meta({
  description: 'With on: schedule: the IANA time zone the cron is read in, e.g. "Europe/Berlin". Default UTC.',
});

const issueTarget = z
  .strictObject({ issue: z.int().min(1).meta({ description: "A tracking issue's number: the run comments there." }) })
  .meta({ description: "A comment on this issue of the rule's repository." });
const createIssueTarget = z
  .strictObject({
    create_issue: z.strictObject({
      labels: z.array(z.string().min(1)).default([]).meta({ description: "Labels the new issue gets." }),
    }),
  })
  .meta({ description: "One new issue per tick in the rule's repository, with these labels." });
const notifyTarget = z
  .strictObject({ notify: channelName.meta({ description: "A channel defined under channels:." }) })
  .meta({ description: "The run's answer goes to this channel; nothing is written to GitHub." });

export const scheduleTargetSchema = z
  .union([issueTarget, createIssueTarget, notifyTarget], {
    error: () => "a target is { issue: N }, { create_issue: { labels: [...] } } or { notify: <channel> }",
  })
  .meta({
    description: "With on: schedule: where the run writes. Fixed by the rule: the model cannot choose another.",
  });
export type ScheduleTarget = z.output<typeof scheduleTargetSchema>;

/** The time zone a schedule is read in, when the rule names none. */
export const defaultTimezone = "UTC";

/** Why a cron expression cannot be used, or null. */
export function cronProblem(cron: string, timezone: string = defaultTimezone): string | null {
  try {
    new Cron(cron, { timezone, paused: true, mode: cronMode });
    return null;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern: /, "");
  }
}

/** Why a time zone name is not one the relay can read a schedule in, or null. */
export function timezoneProblem(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return null;
  } catch {
    return `timezone ${JSON.stringify(timezone)} is not an IANA time zone; use a name such as "Europe/Berlin" or "UTC"`;
  }
}

type Add = (message: string, path: PropertyKey[]) => void;
const eventOnlyKeys = ["if", "cooldown", "authors", "continue"] as const;
// target: is also a webhook rule's (config/webhook-rule-problems.ts checks it on the other rules).
const scheduleOnlyKeys = ["cron", "timezone"] as const;

/** What a schedule rule needs, and what only it may have; `add` prefixes the rule's name. */
export function scheduleProblems(rule: Record<string, unknown>, add: Add): void {
  if (rule.on !== scheduleOn) {
    for (const key of scheduleOnlyKeys)
      if (rule[key] !== undefined) add(`${key}: is only for rules with on: schedule`, [key]);
    return;
  }
  for (const key of eventOnlyKeys)
    // continue defaults to false: only a rule that sets it true says something a schedule cannot do.
    if (rule[key] !== undefined && rule[key] !== false)
      add(`${key}: is for event rules; a schedule has no event`, [key]);
  const timezone = typeof rule.timezone === "string" ? rule.timezone : defaultTimezone;
  const zoneProblem = timezoneProblem(timezone);
  if (zoneProblem) add(zoneProblem, ["timezone"]);
  if (typeof rule.cron !== "string") add('needs cron: with on: schedule, e.g. cron: "0 8 * * 1-5"', ["on"]);
  else {
    const problem = cronProblem(rule.cron, zoneProblem ? defaultTimezone : timezone);
    if (problem)
      add(
        `cron ${JSON.stringify(rule.cron)} is not a valid schedule: ${problem} (five fields: minute hour day month weekday)`,
        ["cron"],
      );
  }
  if (typeof rule.prompt !== "string") add("needs prompt: what the scheduled run should do", ["on"]);
  if (rule.target === undefined)
    add("needs target: { issue: N }, { create_issue: {...} } or { notify: <channel> }", ["on"]);
  const repos = Array.isArray(rule.repos) ? rule.repos : [];
  if (repos.length !== 1 || typeof repos[0] !== "string" || repos[0].endsWith("/*"))
    add('needs repos: with exactly one repository ("owner/repo") for a schedule', [repos.length ? "repos" : "on"]);
}

/** Each schedule's `target: { notify: }` that `channels:` does not define. */
export function scheduleTargetProblems(config: ConfigFile): ConfigIssue[] {
  const defined = Object.keys(config.channels ?? {});
  return (config.rules ?? []).flatMap((rule, index) => {
    const target = rule.target;
    if (!target || !("notify" in target) || defined.includes(target.notify)) return [];
    return [
      {
        path: ["rules", index, "target", "notify"],
        atKey: false,
        message: `rule "${rule.name}": no channel named "${target.notify}"; define it under channels:`,
      },
    ];
  });
}

/** At start (with the environment): each schedule's repository that GITHUB_REPOS does not allow. */
export function scheduleRepoProblems(config: ConfigFile, env: Env): ConfigIssue[] {
  const entries = (env.GITHUB_REPOS ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  // Without the variable, or with a bad entry, its own check says so.
  const { allowList, problems } = parseRepoAllowList(entries);
  if (entries.length === 0 || problems.length > 0) return [];
  return (config.rules ?? []).flatMap((rule, index) => {
    const [owner, repo] = (rule.on === scheduleOn ? (rule.repos?.[0] ?? "") : "").split("/");
    if (!owner || !repo || allowList.allows(owner, repo)) return [];
    return [
      {
        path: ["rules", index, "repos", 0],
        atKey: false,
        message: `rule "${rule.name}": ${owner}/${repo} is not in GITHUB_REPOS (${entries.join(",")}); a schedule works on one of those`,
      },
    ];
  });
}
