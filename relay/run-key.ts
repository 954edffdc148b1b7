/** What a delivery's run key is made of: the event and action, and what the signed payload names. */
export interface RunKeyInput {
  event: string;
  action: string | null;
  /** `owner/repo` and the issue, from the signed payload, when the delivery names them. */
  repository?: string;
  issueNumber?: number;
  /** Unsigned headers: only for deliveries that start no run. */
  hookId: string | undefined;
  deliveryId: string;
}

/**
 * The key a delivery is stored and deduplicated under, so one key is one run. For issues.opened it
 * comes from the signed payload: the delivery id and hook id are unsigned headers, and a body
 * resent with new ones must not start another run (issue 16). Other deliveries keep hook + GUID,
 * since one GUID goes to every hook that subscribed. Rules for more events extend this function.
 */
export function runKey(input: RunKeyInput): string {
  if (input.event === "issues" && input.action === "opened" && input.repository && input.issueNumber !== undefined)
    // GitHub's names are case-insensitive.
    return `issues.opened:${input.repository.toLowerCase()}#${input.issueNumber}`;
  return `${input.hookId ?? "-"}:${input.deliveryId}`;
}
