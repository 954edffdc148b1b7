import type { Octokit } from "@octokit/rest";
import type { Rule } from "../../config/rules-schema.ts";
import type { RepoAllowList } from "../../github/repo-allow-list.ts";
import type { DeliveryLog, DeliveryRecord } from "../../store/delivery-log.ts";
import type { DeliveryOutcome } from "../../store/delivery-queue.ts";
import { matchRules, matchSummary, needsChangedPaths } from "./match-rules.ts";
import type { RuleEvent } from "./rule-event.ts";
import { runKeyFor } from "./run-key-for.ts";

export interface MatchInWorkerOptions {
  rules: () => readonly Rule[];
  allowList: RepoAllowList;
  deliveries: Pick<DeliveryLog, "add">;
  github: Octokit;
  /** Wakes the worker for the runs just queued. */
  onQueued?: () => void;
}

/**
 * Matches a delivery the door left to the worker (relay/rules/decide-delivery.ts): with the pull
 * request's changed files when a rule asks for them, and the relay's own login now known. Each
 * rule that matches is queued as a delivery of its own, under its run key, as the door would have.
 */
export async function matchInWorker(
  delivery: DeliveryRecord,
  event: RuleEvent,
  ownLogin: string | null,
  options: MatchInWorkerOptions,
): Promise<DeliveryOutcome> {
  const rules = options.rules();
  const full = needsChangedPaths(rules, event)
    ? { ...event, changedPaths: await changedPaths(options.github, event) }
    : event;
  const match = matchRules(rules, full, { ownLogin, now: delivery.receivedAt, allowList: options.allowList });
  const summary = matchSummary(rules, full, match);
  if (match.run.length === 0) return { status: "ignored", reason: summary };
  for (const rule of match.run)
    await options.deliveries.add({
      key: runKeyFor(rule, full),
      deliveryId: delivery.deliveryId,
      event: delivery.event,
      action: delivery.action,
      status: "pending",
      rule: rule.name,
      repository: `${event.owner}/${event.repo}`,
      issueNumber: event.number,
      ...(delivery.payload !== null ? { payload: delivery.payload } : {}),
    });
  options.onQueued?.();
  return { status: "done", reason: `matched: ${summary}` };
}

// GitHub lists at most 3000 files of a pull request; past that, paths match on what it lists.
async function changedPaths(github: Octokit, event: RuleEvent): Promise<string[]> {
  const files = await github.paginate(github.rest.pulls.listFiles, {
    owner: event.owner,
    repo: event.repo,
    pull_number: event.number,
    per_page: 100,
  });
  return files.map((file) => file.filename);
}
