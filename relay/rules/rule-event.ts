import { mentionedLogins } from "./mentioned-logins.ts";
import { rulePayloadSchema, type PayloadUser, type PayloadWriting, type RulePayload } from "./payload-schema.ts";

/** Someone who acted or wrote, as far as the payload says. */
export interface RulePerson {
  login: string | null;
  /** GitHub's `author_association`; null where the payload does not carry one (the sender). */
  association: string | null;
  isBot: boolean;
  /** GitHub says `type: "Bot"` (isBot also holds for a login ending in `[bot]`). */
  typeBot: boolean;
  /** The text was posted by a GitHub App on this person's behalf (`performed_via_github_app`). */
  viaApp: boolean;
}

/** The comment or review that triggered a delivery. */
export interface RuleText {
  kind: "comment" | "review" | "review_comment";
  id: number;
  body: string;
  author: RulePerson;
  createdAt: number | null;
  /** A review comment: its thread's first comment (itself, or the one it replies to); null otherwise. */
  threadId: number | null;
}

/** A delivery as rules see it, whichever event carried it. */
export interface RuleEvent {
  /** `event.action`, e.g. `issue_comment.created`. */
  name: string;
  owner: string;
  repo: string;
  number: number;
  kind: "issue" | "pr";
  /** Who caused the delivery (`sender`). */
  sender: RulePerson;
  /** Who wrote the issue or pull request. */
  author: RulePerson;
  /** The comment or review, on the events a person's text triggers. */
  text: RuleText | null;
  labels: string[];
  /** On issues.labeled: the label just added. */
  addedLabel: string | null;
  /** Pull requests: whether it is a draft; null where the payload does not say. */
  draft: boolean | null;
  title: string;
  body: string;
  headSha: string | null;
  /** Changed files of a pull request, when the caller fetched them; null when unknown. */
  changedPaths: string[] | null;
  /** Logins @mentioned in the triggering text (the comment or review, else the body), lower-cased. */
  mentions: string[];
  /** When the issue or pull request was created (ms). */
  createdAt: number | null;
}

const threadEvents = new Set([
  "issues",
  "issue_comment",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
]);

/**
 * Normalises a GitHub payload for matching, or says why it cannot. `changedPaths` is for
 * pull request rules with `if.paths`: the payload does not list files, the caller fetches them.
 */
export function toRuleEvent(
  event: string,
  payload: unknown,
  options: { changedPaths?: string[] } = {},
): RuleEvent | string {
  if (!threadEvents.has(event)) return `${event} is not an event rules handle`;
  const parsed = rulePayloadSchema.safeParse(payload);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    return `the ${event} payload is unusable: ${first.path.join(".") || "(root)"}: ${first.message}`;
  }
  const p = parsed.data;
  const thread = p.pull_request ?? p.issue;
  if (!thread) return `the ${event} payload has no issue or pull request`;
  const writing = p.review ?? p.comment;
  const text = writing ? toText(event, writing) : null;
  return {
    name: `${event}.${p.action}`,
    owner: p.repository.owner.login,
    repo: p.repository.name,
    number: thread.number,
    kind: event.startsWith("pull_request") || thread.pull_request !== undefined ? "pr" : "issue",
    sender: person(p.sender, undefined, undefined),
    author: person(thread.user, thread.author_association, thread.performed_via_github_app),
    text,
    labels: labelNames(p),
    addedLabel: event === "issues" && p.action === "labeled" ? (p.label?.name ?? null) : null,
    draft: thread.draft ?? null,
    title: thread.title,
    body: thread.body ?? "",
    headSha: thread.head?.sha ?? null,
    changedPaths: options.changedPaths ? [...options.changedPaths] : null,
    mentions: mentionedLogins(text ? text.body : (thread.body ?? "")),
    createdAt: time(thread.created_at),
  };
}

function toText(event: string, writing: PayloadWriting): RuleText {
  const kind = event === "pull_request_review" ? "review" : event === "issue_comment" ? "comment" : "review_comment";
  return {
    kind,
    id: writing.id,
    body: writing.body ?? "",
    author: person(writing.user, writing.author_association, writing.performed_via_github_app),
    createdAt: time(writing.submitted_at ?? writing.created_at),
    threadId: kind === "review_comment" ? (writing.in_reply_to_id ?? writing.id) : null,
  };
}

/**
 * GitHub marks an App's account `type: "Bot"`; text an App wrote on a person's behalf carries
 * `performed_via_github_app`. A login ending in `[bot]` is never taken for a person either.
 */
function person(user: PayloadUser | null | undefined, association: string | undefined, viaApp: unknown): RulePerson {
  const login = user?.login ?? null;
  const isBot = user?.type === "Bot" || (login?.toLowerCase().endsWith("[bot]") ?? false);
  const typeBot = user?.type === "Bot";
  return { login, association: association ?? null, isBot, typeBot, viaApp: (viaApp ?? null) !== null };
}

function labelNames(p: RulePayload): string[] {
  const labels = (p.pull_request ?? p.issue)?.labels ?? [];
  return labels.map((l) => (typeof l === "string" ? l : l.name));
}

function time(text: string | null | undefined): number | null {
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? null : ms;
}
