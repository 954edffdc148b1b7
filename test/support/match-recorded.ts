import { rulesSchema } from "../../config/rules-schema.ts";
import { matchRules, matchSummary, type MatchContext } from "../../relay/rules/match-rules.ts";
import { toRuleEvent, type RuleEvent } from "../../relay/rules/rule-event.ts";
import { justAfter, recordedPayload, type Payload } from "./recorded-payloads.ts";

/** The relay's login in these tests: a GitHub App's bot account. */
export const ownLogin = "triage-relay[bot]";

export function rules(...entries: object[]) {
  return rulesSchema.parse(entries);
}

export function eventFrom(payload: Payload, name: string, changedPaths?: string[]): RuleEvent {
  const event = toRuleEvent(name, payload, changedPaths ? { changedPaths } : {});
  if (typeof event === "string") throw new Error(event);
  return event;
}

/** Matches a recorded payload, edited by `edit`, a minute after it was written. */
export function match(
  list: ReturnType<typeof rules>,
  name: string,
  action: string,
  edit?: (p: Payload) => void,
  context: Partial<MatchContext> = {},
) {
  const payload = recordedPayload(name, action);
  edit?.(payload);
  const event = eventFrom(payload, name);
  const full: MatchContext = { ownLogin, now: justAfter(payload), ...context };
  const result = matchRules(list, event, full);
  return { ...result, names: result.run.map((r) => r.name), why: matchSummary(list, event, result), event };
}
