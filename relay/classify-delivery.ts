import type { RepoAllowList } from "../github/repo-allow-list.ts";

export interface IssuesOpenedFacts {
  owner: string;
  repo: string;
  issueNumber: number;
  senderLogin: string | null;
  senderType: string | null;
  body: string;
  /** When the issue was created (ms), from `issue.created_at`; null when the payload has none. */
  createdAt: number | null;
}

/** An `opened` delivery arriving later than this is a replay, not GitHub's: GitHub sends at once. */
export const maxOpenedAgeMs = 72 * 60 * 60 * 1000;

export type Classification =
  | { kind: "ping" }
  | { kind: "ignore"; reason: string; repository?: string; issueNumber?: number }
  | { kind: "work"; repository: string; issueNumber: number }
  | { kind: "invalid"; reason: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Pulls out the fields the relay relies on, or says which one is missing. */
export function issuesOpenedFacts(payload: unknown): IssuesOpenedFacts | string {
  if (!isObject(payload)) return "the payload is not a JSON object";
  const { repository, issue, sender } = payload;
  if (
    !isObject(repository) ||
    typeof repository.name !== "string" ||
    !isObject(repository.owner) ||
    typeof repository.owner.login !== "string"
  ) {
    return "the payload has no repository name and owner";
  }
  if (
    !isObject(issue) ||
    typeof issue.number !== "number" ||
    !Number.isSafeInteger(issue.number) ||
    typeof issue.title !== "string"
  ) {
    return "the payload has no issue number and title";
  }
  return {
    owner: repository.owner.login,
    repo: repository.name,
    issueNumber: issue.number,
    senderLogin: isObject(sender) && typeof sender.login === "string" ? sender.login : null,
    senderType: isObject(sender) && typeof sender.type === "string" ? sender.type : null,
    body: typeof issue.body === "string" ? issue.body : "",
    createdAt: typeof issue.created_at === "string" ? Date.parse(issue.created_at) || null : null,
  };
}

/**
 * Our own comments and issues create webhook events too: never answer them,
 * whichever identity carried them (our login, a bot, or text with our marker).
 */
export function loopReason(
  facts: Pick<IssuesOpenedFacts, "senderLogin" | "senderType" | "body">,
  ownLogin: string | null,
): string | null {
  if (facts.senderType === "Bot") return `sender ${facts.senderLogin ?? "(unknown)"} is a bot`;
  if (ownLogin && facts.senderLogin?.toLowerCase() === ownLogin.toLowerCase())
    return `sender ${facts.senderLogin} is this relay's own account`;
  if (/<!--\s*openwebui-github/.test(facts.body)) return "the text carries this relay's marker (our own output)";
  return null;
}

export function classifyDelivery(
  event: string,
  payload: unknown,
  options: { allowList: RepoAllowList; ownLogin: string | null; now: number },
): Classification {
  if (event === "ping") return { kind: "ping" };
  const action = isObject(payload) && typeof payload.action === "string" ? payload.action : null;
  if (event !== "issues" || action !== "opened") {
    return { kind: "ignore", reason: `${event}${action ? `.${action}` : ""} is not handled` };
  }
  const facts = issuesOpenedFacts(payload);
  if (typeof facts === "string") return { kind: "invalid", reason: facts };
  const repository = `${facts.owner}/${facts.repo}`;
  const loop = loopReason(facts, options.ownLogin);
  if (loop) return { kind: "ignore", reason: loop, repository, issueNumber: facts.issueNumber };
  if (!options.allowList.allows(facts.owner, facts.repo)) {
    return {
      kind: "ignore",
      reason: `${repository} is not in GITHUB_REPOS`,
      repository,
      issueNumber: facts.issueNumber,
    };
  }
  // A signed body can be resent long after: an old issue's `opened` is history, not a request.
  if (facts.createdAt !== null && options.now - facts.createdAt > maxOpenedAgeMs) {
    const reason = `the issue was created ${new Date(facts.createdAt).toISOString()}, more than ${maxOpenedAgeMs / 3_600_000} hours before this delivery`;
    return { kind: "ignore", reason, repository, issueNumber: facts.issueNumber };
  }
  return { kind: "work", repository, issueNumber: facts.issueNumber };
}
