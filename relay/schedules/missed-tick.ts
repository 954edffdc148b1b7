import type { DeliveryLog } from "../../store/delivery-log.ts";
import { firstSeenKey, latestTick, tickKey, type ScheduleRule } from "./schedule-ticks.ts";
import { firstSeenDelivery } from "./tick-delivery.ts";

/**
 * The tick to run at start: the latest one at or before `now`, when a relay that knew the rule was
 * down for it (it is not stored). A rule first seen after that tick (a new rule, or a renamed one)
 * waits for its next tick instead: adding a schedule must not post at once, at any hour.
 */
export async function missedTick(
  rule: ScheduleRule,
  now: number,
  deliveries: Pick<DeliveryLog, "add" | "get">,
): Promise<number | null> {
  const latest = latestTick(rule, now);
  const { inserted } = await deliveries.add(firstSeenDelivery(rule));
  if (latest === null || (await deliveries.get(tickKey(rule, latest)))) return null;
  if (!inserted) {
    const firstSeen = (await deliveries.get(firstSeenKey(rule)))?.receivedAt;
    return firstSeen !== undefined && firstSeen <= latest ? latest : null;
  }
  // Just noted, or noted again after retention removed the note: a stored tick before the latest
  // shows the rule was running then.
  const before = latestTick(rule, latest - 1);
  return before !== null && (await deliveries.get(tickKey(rule, before))) ? latest : null;
}
