import { durationMs } from "../../config/duration.ts";
import type { Rule } from "../../config/rules-schema.ts";

/**
 * Why a rule waits on this issue or pull request: its `cooldown` since the rule's last run there
 * has not passed. The caller reads the last run's time from its store; matching stays pure.
 */
export function cooldownReason(
  rule: Pick<Rule, "name" | "cooldown">,
  lastRunAt: number | null,
  now: number,
): string | null {
  if (!rule.cooldown || lastRunAt === null) return null;
  const left = lastRunAt + durationMs(rule.cooldown) - now;
  if (left <= 0) return null;
  return `rule ${rule.name}: cooldown ${rule.cooldown}, ran here ${new Date(lastRunAt).toISOString()} (${Math.ceil(left / 1000)} s left)`;
}
