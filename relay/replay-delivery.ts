import { HttpError } from "../lib/http-error.ts";
import type { DeliveryRecord, Store } from "../store/store.ts";

/**
 * Queues a failed or dead delivery again, by GUID or by store key. One place for the admin API and
 * the deliveries page, so both refuse the same way.
 */
export async function replayDelivery(store: Store, id: string): Promise<DeliveryRecord> {
  const replayed = await store.replayDelivery(id);
  if (replayed) return replayed;
  const existing = (await store.getDeliveryById(id)) ?? (await store.getDelivery(id));
  if (!existing) throw new HttpError(404, `No delivery ${id}.`);
  throw new HttpError(409, `Delivery ${existing.deliveryId} is ${existing.status}; only failed or dead deliveries can be replayed.`);
}
