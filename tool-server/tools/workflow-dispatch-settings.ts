/** What the deployment lets people dispatch, and the key their confirmation tokens are signed with. */
export interface WorkflowDispatchSettings {
  /** Workflow file names (e.g. "triage.yml") people may run in the allowed repositories; empty: none. */
  workflows: readonly string[];
  /** HS256 key for confirmation tokens, at least 32 bytes; the same on every replica behind one connection. */
  confirmationKey: Uint8Array;
  /** How long a confirmation token stays valid; 5 minutes unless given. */
  confirmationTtlMs?: number;
  /** The clock tokens are issued and checked by (tests move it); Date.now unless given. */
  now?: () => number;
}

// The lead moves this field into ToolDependencies (tool-definition.ts) when merging; declared here
// meanwhile so this branch does not edit a file others are changing. Absent: people dispatch nothing.
declare module "../tool-definition.ts" {
  interface ToolDependencies {
    workflowDispatch?: WorkflowDispatchSettings;
  }
}

/** Stops start-up on settings that would make confirmation tokens guessable or never valid. */
export function checkWorkflowDispatchSettings(settings: WorkflowDispatchSettings): WorkflowDispatchSettings {
  if (settings.confirmationKey.length < 32)
    throw new Error("workflow dispatch: the confirmation key must be at least 32 bytes (e.g. openssl rand -hex 32)");
  const ttl = settings.confirmationTtlMs;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1_000))
    throw new Error("workflow dispatch: the confirmation time must be a whole number of milliseconds, at least 1000");
  return settings;
}
