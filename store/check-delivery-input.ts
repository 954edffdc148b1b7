import { deliveryStatuses, type DeliveryStatus, type NewDelivery } from "./delivery-log.ts";

/** What every backend refuses alike: a delivery stored in a status the worker gives, or a list by no status. */
export function checkNewDelivery(delivery: NewDelivery): void {
  if (delivery.status !== "pending" && delivery.status !== "ignored")
    throw new Error(`a new delivery is pending or ignored, not "${String(delivery.status)}"`);
}

export function checkStatusFilter(status: DeliveryStatus | undefined): void {
  if (status !== undefined && !deliveryStatuses.includes(status))
    throw new Error(`no delivery status "${String(status)}"`);
}
