import {
  linkHeader,
  pageOf,
  validationFailed,
  type Answer,
  type KitIssue,
  type KitRequest,
  type StandInKit,
} from "./stand-in-kit.ts";

/**
 * GET /search/issues over the seeded issues and pull requests: `repo:`, `is:`, `state:`, `type:`,
 * `label:` (and `-label:`), `author:`, `in:` and words or quoted phrases matched in the title and body.
 * Other qualifiers GitHub knows, and OR/AND/NOT, are not implemented: such a query is unexpected, so
 * a test that sends one fails instead of getting an answer GitHub would not give.
 */

const docs = "https://docs.github.com/rest/search/search#search-issues-and-pull-requests";
const maxQueryLength = 256;
const maxResults = 1000;
const cannotSearch =
  "The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.";
// Qualifier names GitHub reads in an issue search; a word:value with another name is plain text there too.
const knownQualifiers = new Set(
  "repo org user is state type label author assignee mentions commenter involves in created updated closed comments no milestone linked reason sort archived team language project status head base review draft interactions reactions team-review-requested review-requested reviewed-by user-review-requested merged".split(
    " ",
  ),
);
const implemented = new Set(["repo", "is", "state", "type", "label", "author", "in"]);

interface Filter {
  negated: boolean;
  key: string;
  value: string;
}

type Parsed = { filters: Filter[]; words: string[] } | "unimplemented";

function parseQuery(q: string): Parsed {
  const filters: Filter[] = [];
  const words: string[] = [];
  for (const match of q.matchAll(/(-?)([A-Za-z-]+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/g)) {
    const [, minus, key, value, phrase, word] = match;
    if (key !== undefined && knownQualifiers.has(key.toLowerCase())) {
      if (!implemented.has(key.toLowerCase())) return "unimplemented";
      filters.push({ negated: minus === "-", key: key.toLowerCase(), value: value!.replace(/^"|"$/g, "") });
    } else if (phrase !== undefined) {
      words.push(phrase.toLowerCase());
    } else {
      const text = match[0];
      if (/^(OR|AND|NOT)$/.test(text) || /[()]/.test(text)) return "unimplemented";
      words.push((word ?? text).toLowerCase());
    }
  }
  return { filters, words };
}

function matchesFilter(issue: KitIssue, filter: Filter): boolean {
  const value = filter.value.toLowerCase();
  switch (filter.key) {
    case "repo":
      return `${issue.owner}/${issue.repo}`.toLowerCase() === value;
    case "is":
    case "type":
    case "state":
      if (value === "open" || value === "closed") return issue.state === value;
      if (value === "issue") return !issue.pullRequest;
      if (value === "pr" || value === "pull-request") return issue.pullRequest === true;
      return false;
    case "label":
      return issue.labels.some((l) => l.toLowerCase() === value);
    case "author":
      return issue.user.login.toLowerCase() === value;
    default:
      return true;
  }
}

function matches(issue: KitIssue, filters: Filter[], words: string[]): boolean {
  const fields = filters.filter((f) => f.key === "in").map((f) => f.value.toLowerCase());
  const searched = [
    fields.length === 0 || fields.includes("title") ? issue.title : "",
    fields.length === 0 || fields.includes("body") ? (issue.body ?? "") : "",
  ]
    .join("\n")
    .toLowerCase();
  return (
    filters.filter((f) => f.key !== "in").every((f) => matchesFilter(issue, f) !== f.negated) &&
    words.every((w) => searched.includes(w))
  );
}

export function createSearch(kit: StandInKit, allIssues: () => KitIssue[]) {
  function search(request: KitRequest): Answer | undefined {
    const q = request.url.searchParams.get("q") ?? "";
    if (q.trim() === "") return validationFailed(docs, [{ resource: "Search", field: "q", code: "missing" }]);
    if (q.length > maxQueryLength)
      return validationFailed(docs, [
        {
          message: `The search is longer than ${maxQueryLength} characters.`,
          resource: "Search",
          field: "q",
          code: "invalid",
        },
      ]);
    const parsed = parseQuery(q);
    if (parsed === "unimplemented") return undefined;
    const unknownRepo = parsed.filters.find((f) => f.key === "repo" && !kit.findRepo(...splitRepo(f.value)));
    if (unknownRepo)
      return validationFailed(docs, [{ message: cannotSearch, resource: "Search", field: "q", code: "invalid" }]);
    const found = allIssues()
      .filter((issue) => matches(issue, parsed.filters, parsed.words))
      .sort((a, b) => b.number - a.number);
    const { perPage, page } = pageOf(request.url);
    const reachable = found.slice(0, maxResults);
    const lastPage = Math.max(Math.ceil(reachable.length / perPage), 1);
    return {
      status: 200,
      body: {
        total_count: found.length,
        incomplete_results: false,
        search_type: "lexical",
        items: reachable.slice((page - 1) * perPage, page * perPage).map((i) => ({ ...kit.issueJson(i), score: 1 })),
      },
      headers: linkHeader(kit.base(), request.url, page, lastPage),
    };
  }

  return {
    route(request: KitRequest): Answer | undefined {
      const [first, second, ...rest] = request.segments;
      if (first !== "search" || second !== "issues" || rest.length > 0 || request.method !== "GET") return undefined;
      return search(request);
    },
  };
}

function splitRepo(value: string): [string, string] {
  const [owner = "", name = ""] = value.split("/");
  return [owner, name];
}
