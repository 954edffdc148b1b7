import type { Env } from "./config-error.ts";
import type { HookRef } from "../relay/reconcile-deliveries.ts";
import { integer, optionalText, readEnvFields } from "./env-fields.ts";

export function toolServerIdProblem(id: string): string[] {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(id)
    ? []
    : [`OPENWEBUI_TOOL_SERVER_ID must be letters, digits, "_", "-" or "." (got "${id}")`];
}

export function tokenLengthProblem(name: string, token: string, orElse: string): string[] {
  return token && token.length < 16
    ? [`${name} is too short: use at least 16 random characters (e.g. openssl rand -hex 32), ${orElse}`]
    : [];
}

const reconcileFields = {
  hookId: optionalText("GITHUB_HOOK_ID", ""),
  hookRepo: optionalText("GITHUB_HOOK_REPO", ""),
  intervalMs: integer("RELAY_RECONCILE_INTERVAL_MS", 300_000, { min: 1_000, max: 86_400_000 }),
  // GitHub keeps delivery logs, and allows redelivery, for 3 days.
  windowHours: integer("RELAY_RECONCILE_WINDOW_HOURS", 24, { min: 1, max: 72 }),
};

/** The webhook whose failed deliveries the relay redelivers: a repository's (GITHUB_HOOK_*) or the app's own; null for none. */
export function reconcileConfig(
  env: Env,
  asApp: boolean,
  problems: string[],
): { hook: HookRef; intervalMs: number; windowMs: number } | null {
  const { hookId, hookRepo } = readEnvFields(env, {
    hookId: reconcileFields.hookId,
    hookRepo: reconcileFields.hookRepo,
  }).values;
  if (!hookId && !hookRepo && !asApp) return null;
  const [owner, repo, extra] = hookRepo.split("/");
  const repositoryHook = Boolean(hookId || hookRepo);
  // An installation token is narrowed to issues, and a repository webhook's log needs a token with webhook access.
  if (repositoryHook && asApp)
    problems.push(
      "GITHUB_HOOK_ID and GITHUB_HOOK_REPO are for a repository webhook with GITHUB_TOKEN; as a GitHub App the relay reconciles the app's own webhook, so leave them empty",
    );
  if (repositoryHook && !/^\d{1,15}$/.test(hookId))
    problems.push(`GITHUB_HOOK_ID must be the webhook's numeric id (in its settings URL), got "${hookId}"`);
  if (repositoryHook && (!owner || !repo || extra !== undefined))
    problems.push(`GITHUB_HOOK_REPO must be the owner/repo the webhook belongs to, got "${hookRepo}"`);
  const timing = readEnvFields(env, {
    intervalMs: reconcileFields.intervalMs,
    windowHours: reconcileFields.windowHours,
  });
  problems.push(...timing.problems);
  return {
    hook: repositoryHook
      ? { kind: "repository", owner: owner ?? "", repo: repo ?? "", id: Number(hookId) }
      : { kind: "app" },
    intervalMs: timing.values.intervalMs,
    windowMs: timing.values.windowHours * 3_600_000,
  };
}
