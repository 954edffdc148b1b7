import { HttpError } from "../../lib/http-error.ts";

// Qualifiers that choose where GitHub searches: only code sets that, to the one repository.
const scopeQualifiers = new Set(["repo", "org", "user", "owner", "enterprise", "repository"]);
// Qualifiers the tool's own fields set, so the model cannot contradict them.
const fieldQualifiers: Record<string, string> = {
  is: "use the state and kind fields",
  type: "use the kind field",
  state: "use the state field",
};
const maxQueryLength = 200;

/** Words, quoted phrases and qualifiers (`label:"help wanted"`, `-author:x`), as GitHub splits a query. */
function tokens(text: string): string[] {
  return [...text.matchAll(/-?[A-Za-z_-]+:(?:"[^"]*"|\S*)|"[^"]*"?|\S+/g)].map((m) => m[0]);
}

function refuse(reason: string): never {
  throw new HttpError(
    400,
    `The search query ${reason} The search always covers this one repository; send words and, if useful, qualifiers such as label:bug, author:login or in:title.`,
  );
}

/**
 * The GitHub search query for `text` inside owner/repo and nowhere else. Qualifiers that would
 * widen or move the scope, and boolean operators or parentheses that could escape the AND with
 * `repo:`, are refused rather than silently dropped, so the model knows its query was not run.
 */
export function scopeSearchQuery(
  text: string,
  scope: { owner: string; repo: string; kind: "issue" | "pr"; state: "open" | "closed" | "all" },
): string {
  if (text.length > maxQueryLength) refuse(`is longer than ${maxQueryLength} characters; shorten it.`);
  // Looked for anywhere, not only at a word's start: "crash,repo:x/y" must not slip through as one word.
  for (const match of text.matchAll(/(?<![\w-])-?([A-Za-z_-]+):(?=\S)/g)) {
    const qualifier = match[1]!.toLowerCase();
    if (scopeQualifiers.has(qualifier)) refuse(`may not choose where to search (${qualifier}:).`);
    if (Object.hasOwn(fieldQualifiers, qualifier))
      refuse(`may not contain ${qualifier}: — ${fieldQualifiers[qualifier]} instead.`);
  }
  const parts = tokens(text);
  for (const token of parts) {
    if (/^(OR|AND|NOT)$/.test(token)) refuse(`may not use ${token}: every word must match.`);
    if (!token.startsWith('"') && /[()]/.test(token)) refuse("may not use parentheses.");
  }
  if (parts.length === 0) refuse("is empty: send the words to look for.");
  const state = scope.state === "all" ? [] : [`is:${scope.state}`];
  return [`repo:${scope.owner}/${scope.repo}`, `is:${scope.kind}`, ...state, ...parts].join(" ");
}
