import type { NewDelivery } from "../store/delivery-log.ts";
import type { DoorDecision } from "./rules/decide-delivery.ts";
import { runKey } from "./run-key.ts";

/**
 * What is stored of a delivery: one pending record with its payload per run it starts (each under
 * its rule's run key), else one ignored record with the reason.
 */
export function deliveryRecords(
  hookId: string | undefined,
  delivery: { deliveryId: string; event: string; payload: unknown; json: string },
  decision: Exclude<DoorDecision, { kind: "invalid" } | { kind: "ping" }>,
): NewDelivery[] {
  const { deliveryId, event, payload } = delivery;
  const rawAction = (payload as { action?: unknown }).action;
  const action = typeof rawAction === "string" ? rawAction : null;
  const { repository, issueNumber } = decision;
  const common = {
    deliveryId,
    event,
    action,
    ...(repository ? { repository } : {}),
    ...(issueNumber !== undefined ? { issueNumber } : {}),
  };
  if (decision.kind === "work")
    return decision.runs.map(({ key, rule }) => ({
      ...common,
      key,
      status: "pending",
      ...(rule ? { rule } : {}),
      payload: delivery.json,
    }));
  const key = runKey({ event, action, repository, issueNumber, hookId, deliveryId });
  return [{ ...common, key, status: "ignored", reason: decision.reason }];
}
