import { HttpError } from "../lib/http-error.ts";
import type { DeliveryLog, DeliveryRecord } from "../store/delivery-log.ts";

/**
 * Queues a failed or dead delivery again, named by GUID (the newest delivery
 * with it) or by store key. One place for the admin API and the deliveries
 * page, so both refuse the same way.
 */
export async function replayDelivery(deliveries: DeliveryLog, id: string): Promise<DeliveryRecord> {
  const existing = (await deliveries.findByDeliveryId(id)) ?? (await deliveries.get(id));
  if (!existing) throw new HttpError(404, `No delivery ${id}.`);
  const replayed = await deliveries.replay(existing.key);
  if (replayed) return replayed;
  throw new HttpError(
    409,
    `Delivery ${existing.deliveryId} is ${existing.status}; only failed or dead deliveries can be replayed.`,
  );
}
