export interface RepoAllowList {
  allows(owner: string, repo: string): boolean;
  readonly entries: readonly string[];
}

// "." and ".." are not names GitHub allows, and would walk the API path up a level.
const namePart = /^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,100}$/;

/**
 * Parses `owner/repo` and `owner/*` entries. Returns the problems instead of
 * throwing so loadConfig can report them with every other bad variable.
 */
export function parseRepoAllowList(entries: string[]): { allowList: RepoAllowList; problems: string[] } {
  const problems: string[] = [];
  const exact = new Set<string>();
  const owners = new Set<string>();
  for (const entry of entries) {
    const [owner, repo, extra] = entry.split("/");
    if (
      owner === undefined ||
      repo === undefined ||
      extra !== undefined ||
      !namePart.test(owner) ||
      (repo !== "*" && !namePart.test(repo))
    ) {
      problems.push(`"${entry}" is not owner/repo or owner/*`);
      continue;
    }
    // GitHub names are case-insensitive, and payloads may differ in case from what a person typed.
    if (repo === "*") owners.add(owner.toLowerCase());
    else exact.add(`${owner}/${repo}`.toLowerCase());
  }
  return {
    problems,
    allowList: {
      entries: Object.freeze([...entries]),
      allows(owner, repo) {
        if (!namePart.test(owner) || !namePart.test(repo)) return false;
        return owners.has(owner.toLowerCase()) || exact.has(`${owner}/${repo}`.toLowerCase());
      },
    },
  };
}
