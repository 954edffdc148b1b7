import type { AccessLevel, Grant, PeoplePolicy } from "../../config/people-schema.ts";
import { parseRepoAllowList } from "../../github/repo-allow-list.ts";

/** What the policy knows of a verified person: their groups come from Open WebUI, never from the caller. */
export interface Subject {
  email: string | null;
  role: string | null;
  groups: readonly string[];
}

const rank: Record<AccessLevel, number> = { none: 0, read: 1, write: 2 };
const lower = (a: AccessLevel, b: AccessLevel) => (rank[a] <= rank[b] ? a : b);

function names(grant: Grant, subject: Subject): boolean {
  if ("group" in grant) return subject.groups.includes(grant.group);
  if ("email" in grant) return subject.email?.toLowerCase() === grant.email.toLowerCase();
  return subject.role === grant.role;
}

function covers(grant: Grant, owner: string, repo: string): boolean {
  // The schema checked the patterns; the allow-list's matcher gives them the same meaning as GITHUB_REPOS.
  return parseRepoAllowList(grant.repos).allowList.allows(owner, repo);
}

/**
 * What a caller may do on one repository (already within GITHUB_REPOS). The grants naming the person
 * and covering the repository decide, the highest of them; with none, the default. An anonymous
 * caller (null) gets the default, never more than read.
 */
export function repoAccess(policy: PeoplePolicy, subject: Subject | null, owner: string, repo: string): AccessLevel {
  if (!subject) return lower(policy.default, "read");
  const levels = policy.grants.filter((g) => names(g, subject) && covers(g, owner, repo)).map((g) => g.access);
  if (levels.length === 0) return policy.default;
  return levels.reduce((a, b) => (rank[a] >= rank[b] ? a : b));
}

/** Whether any grant names a group: only then must a person's groups be looked up. */
export function namesGroups(policy: PeoplePolicy): boolean {
  return policy.grants.some((grant) => "group" in grant);
}
