import type { Rule } from "../../config/rules-schema.ts";
import { pathGlob } from "../../lib/path-glob.ts";
import { safePattern } from "../../lib/safe-pattern.ts";
import { triggerAuthor, type MatchContext } from "./delivery-reason.ts";
import { mentionsLogin } from "./mentioned-logins.ts";
import type { RuleEvent } from "./rule-event.ts";

/** Events a person's words start: by default only people with write access may start them. */
export const textEvents: ReadonlySet<string> = new Set([
  "issue_comment.created",
  "pull_request_review.submitted",
  "pull_request_review_comment.created",
]);
const writeAccess = ["OWNER", "MEMBER", "COLLABORATOR"];

export function ruleEvents(rule: Pick<Rule, "on">): readonly string[] {
  return typeof rule.on === "string" ? [rule.on] : rule.on;
}

/** Why this rule does not run on the event, or null when it does. */
export function ruleReason(rule: Rule, event: RuleEvent, context: MatchContext): string | null {
  if (!ruleEvents(rule).includes(event.name)) return `it runs on ${ruleEvents(rule).join(", ")}`;
  if (rule.repos && !rule.repos.some((entry) => repoMatches(entry, event)))
    return `${event.owner}/${event.repo} is not in its repos`;
  const authors = rule.authors ?? (textEvents.has(event.name) ? writeAccess : null);
  const author = triggerAuthor(event);
  if (authors && !authors.includes(author.association ?? ""))
    return `author ${author.association ?? "of unknown association"} may not trigger (authors: ${authors.join(", ")})`;
  return conditionReason(rule, event, context);
}

function repoMatches(entry: string, event: RuleEvent): boolean {
  const [owner, repo] = entry.toLowerCase().split("/");
  return owner === event.owner.toLowerCase() && (repo === "*" || repo === event.repo.toLowerCase());
}

/** The first `if:` condition that does not hold, in the order the docs list them. */
function conditionReason(rule: Rule, event: RuleEvent, context: MatchContext): string | null {
  const cond = rule.if;
  if (!cond) return null;
  if (cond.mentions_bot !== undefined) {
    if (!context.ownLogin) return "mentions_bot cannot be checked: the relay's login is unknown";
    if (mentionsLogin(event.mentions, context.ownLogin) !== cond.mentions_bot)
      return cond.mentions_bot
        ? `the text does not mention @${context.ownLogin}`
        : `the text mentions @${context.ownLogin}`;
  }
  if (cond.labels_any) {
    const wanted = cond.labels_any.map((l) => l.toLowerCase());
    const have = event.addedLabel !== null ? [event.addedLabel] : event.labels;
    if (!have.some((l) => wanted.includes(l.toLowerCase())))
      return event.addedLabel !== null
        ? `the label added (${event.addedLabel}) is not in labels_any`
        : `the labels (${have.join(", ") || "none"}) are not in labels_any`;
  }
  const association = triggerAuthor(event).association ?? "";
  if (cond.author_association && !(cond.author_association as readonly string[]).includes(association))
    return `author_association ${association || "unknown"} is not one of ${cond.author_association.join(", ")}`;
  if (cond.draft !== undefined && event.draft !== cond.draft)
    return event.draft === null ? "draft: the event is not a pull request that says" : `draft is ${event.draft}`;
  if (cond.title_matches && !safePattern(cond.title_matches).test(event.title))
    return "the title does not match title_matches";
  if (cond.body_matches && !safePattern(cond.body_matches).test(event.text?.body ?? event.body))
    return "the text does not match body_matches";
  return cond.paths ? pathsReason(cond.paths, event) : null;
}

function pathsReason(globs: readonly string[], event: RuleEvent): string | null {
  if (event.kind !== "pr") return "paths applies to pull requests only";
  if (event.changedPaths === null) return "paths: the changed files are not known for this delivery";
  const patterns = globs.map(pathGlob);
  if (!event.changedPaths.some((path) => patterns.some((p) => p.test(path)))) return "no changed file matches paths";
  return null;
}
