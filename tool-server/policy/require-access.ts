import type { AccessLevel } from "../../config/people-schema.ts";
import type { CallContext, ToolDependencies } from "../tool-definition.ts";
import { outsideAllowList, refuse, refuseChat } from "./refusals.ts";
import { namesGroups, repoAccess, type Subject } from "./repo-access.ts";

async function subjectOf(call: CallContext, deps: ToolDependencies): Promise<Subject | null> {
  if (call.caller.kind !== "person") return null;
  const { person } = call.caller;
  const policy = deps.people();
  // Only asked of Open WebUI when a grant names a group; without a lookup, group grants name nobody.
  const groups = namesGroups(policy) && deps.userGroups ? await deps.userGroups(person.userId) : [];
  return { email: person.email, role: person.role, groups };
}

/**
 * Lets a person's call through when the policy gives them `need` on the repository, always within
 * GITHUB_REPOS; throws a refusal the model can relay otherwise. A relay run's own scope is checked by
 * its tool; this is for everyone else. A token that fails verification is refused even for reading.
 */
export async function requireAccess(
  call: CallContext,
  deps: ToolDependencies,
  owner: string,
  repo: string,
  need: Exclude<AccessLevel, "none">,
): Promise<void> {
  if (!deps.allowList.allows(owner, repo)) throw outsideAllowList(owner, repo);
  if (call.chat) {
    // Chat runs only read; the asker's grants (by their mapped email) or the default decide what.
    const { email } = call.chat;
    const level = repoAccess(deps.people(), email ? { email, role: null, groups: [] } : null, owner, repo);
    if (need === "write" || level === "none") throw refuseChat(call.chat, need, owner, repo);
    return;
  }
  // A relay run keeps its own scope; a person signed in with GitHub acts with their own token, so GitHub decides.
  if (call.run || call.person) return;
  const { caller } = call;
  if (caller.kind === "anonymous" && (caller.reason === "bad-token" || caller.reason === "expired-token")) {
    throw refuse(caller, need, owner, repo);
  }
  const level = repoAccess(deps.people(), await subjectOf(call, deps), owner, repo);
  if (level === "none" || (need === "write" && level !== "write")) throw refuse(caller, need, owner, repo);
}
