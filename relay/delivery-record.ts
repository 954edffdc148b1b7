import type { NewDelivery } from "../store/delivery-log.ts";
import type { Classification } from "./classify-delivery.ts";
import { runKey } from "./run-key.ts";

/** What is stored of a delivery: pending with its payload when there is work, else ignored with the reason. */
export function deliveryRecord(
  hookId: string | undefined,
  delivery: { deliveryId: string; event: string; payload: unknown; json: string },
  classification: Exclude<Classification, { kind: "invalid" } | { kind: "ping" }>,
): NewDelivery {
  const { deliveryId, event, payload } = delivery;
  const rawAction = (payload as { action?: unknown }).action;
  const action = typeof rawAction === "string" ? rawAction : null;
  const work = classification.kind === "work";
  const { repository, issueNumber } = classification;
  return {
    key: runKey({ event, action, repository, issueNumber, hookId, deliveryId }),
    deliveryId,
    event,
    action,
    status: work ? "pending" : "ignored",
    ...(classification.kind === "ignore" ? { reason: classification.reason } : {}),
    ...(repository ? { repository } : {}),
    ...(issueNumber !== undefined ? { issueNumber } : {}),
    ...(work ? { payload: delivery.json } : {}),
  };
}
