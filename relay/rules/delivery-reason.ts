import type { RepoAllowList } from "../../github/repo-allow-list.ts";
import { loopReason, maxOpenedAgeMs } from "../classify-delivery.ts";
import type { RuleEvent } from "./rule-event.ts";

export interface MatchContext {
  /** The relay's own login, when known: its own comments never start a run. */
  ownLogin: string | null;
  /** The time the delivery is matched (ms). */
  now: number;
  /** GITHUB_REPOS; every rule's `repos` narrows it. */
  allowList?: RepoAllowList;
}

/** The person whose words start the run: the comment's or review's author, or who opened the thread. */
export function triggerAuthor(event: RuleEvent) {
  return event.text?.author ?? event.author;
}

/**
 * Why no rule may run on this delivery at all, whatever the rules say: automation (a bot, or the
 * relay itself) never starts a run, and a replayed old delivery is history, not a request.
 */
export function deliveryReason(event: RuleEvent, context: MatchContext): string | null {
  const { sender, text } = event;
  // The relay's own account is named as such unless GitHub itself says Bot, as the relay always has.
  const loop = loopReason(
    { senderLogin: sender.login, senderType: sender.typeBot ? "Bot" : null, body: text?.body ?? event.body },
    context.ownLogin,
  );
  if (loop) return loop;
  // A login ending in [bot] may be the relay's own App before its login is known: the worker,
  // which knows it, names it so; either way no run starts.
  if (sender.isBot && context.ownLogin !== null) return `sender ${sender.login ?? "(unknown)"} is a bot`;
  const opened = event.name.endsWith(".opened");
  if (text || opened) {
    const author = triggerAuthor(event);
    const thing = writtenThing(event);
    if (author.isBot) return `${thing}'s author ${author.login ?? "(unknown)"} is a bot`;
    if (author.viaApp) return `${thing} was posted by a GitHub App on ${author.login ?? "someone"}'s behalf`;
    if (context.ownLogin && author.login?.toLowerCase() === context.ownLogin.toLowerCase())
      return `${thing}'s author ${author.login} is this relay's own account`;
  }
  if (context.allowList && !context.allowList.allows(event.owner, event.repo))
    return `${event.owner}/${event.repo} is not in GITHUB_REPOS`;
  return ageReason(event, context.now);
}

/** One run per thing written: a signed body resent days later must not start another (replay bound). */
function ageReason(event: RuleEvent, now: number): string | null {
  const created = event.text ? event.text.createdAt : event.name.endsWith(".opened") ? event.createdAt : null;
  if (created === null || now - created <= maxOpenedAgeMs) return null;
  return `${writtenThing(event)} was created ${new Date(created).toISOString()}, more than ${maxOpenedAgeMs / 3_600_000} hours before this delivery`;
}

/** What the person wrote that triggered the delivery, for reasons: "the comment", "the issue", ... */
function writtenThing(event: RuleEvent): string {
  if (event.text) return `the ${event.text.kind.replace("_", " ")}`;
  return event.kind === "pr" ? "the pull request" : "the issue";
}
