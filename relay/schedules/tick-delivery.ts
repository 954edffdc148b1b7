import type { RepoAllowList } from "../../github/repo-allow-list.ts";
import type { NewDelivery } from "../../store/delivery-log.ts";
import { firstSeenKey, scheduleRepo, tickEvent, tickKey, type ScheduleRule } from "./schedule-ticks.ts";

/** One tick as a delivery: pending, or ignored when GITHUB_REPOS no longer allows the rule's repository. */
export function tickDelivery(rule: ScheduleRule, tick: number, allowList: RepoAllowList): NewDelivery {
  const key = tickKey(rule, tick);
  const { owner, repo } = scheduleRepo(rule);
  const allowed = allowList.allows(owner, repo);
  const when = new Date(tick).toISOString();
  return {
    key,
    // Ticks have no GitHub GUID: the key is unique, and the deliveries page shows it.
    deliveryId: key,
    event: tickEvent,
    action: "tick",
    status: allowed ? "pending" : "ignored",
    ...(allowed ? {} : { reason: `${owner}/${repo} is not in GITHUB_REPOS` }),
    repository: `${owner}/${repo}`,
    ...("issue" in rule.target ? { issueNumber: rule.target.issue } : {}),
    rule: rule.name,
    // The page shows `issue.title`; the worker reads the rest from the rule and the key.
    payload: JSON.stringify({ schedule: { rule: rule.name, tick: when }, issue: { title: `${rule.name} at ${when}` } }),
  };
}

/** The note of when the relay first saw a schedule: an ignored delivery, listed with the rest. */
export function firstSeenDelivery(rule: ScheduleRule): NewDelivery {
  const key = firstSeenKey(rule);
  return {
    key,
    deliveryId: key,
    event: tickEvent,
    action: "first-seen",
    status: "ignored",
    reason: "schedule first seen: ticks from now on run; a tick missed while the relay was down runs at start",
    repository: rule.repos[0],
    rule: rule.name,
  };
}
