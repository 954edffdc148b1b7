import type { DeliveryRecord } from "./delivery-log.ts";

/** Proof of one claim. Every change a worker makes goes through it, so a lapsed claim changes nothing. */
export interface Lease {
  key: string;
  /** New for every claim; only the current holder's token is accepted. */
  token: string;
}

export interface Claim {
  delivery: DeliveryRecord;
  lease: Lease;
}

export interface DeliveryOutcome {
  status: "done" | "failed" | "ignored" | "dead";
  reason?: string;
  commentUrl?: string;
  /** The channels of the rule's `notify:` that could not be told of the run: shown, never failing it. */
  notifyError?: string;
}

/**
 * The work queue over the delivery log. A claim holds a delivery for `leaseMs`;
 * the holder renews it while the run is alive, and a holder that dies is found
 * out when its lease lapses, after which any process may claim the delivery.
 * Each method that takes a lease answers false, and changes nothing, when the
 * lease is no longer the current one (it lapsed and someone else claimed it,
 * or the delivery was finished).
 */
export interface DeliveryQueue {
  /** Takes the oldest due pending delivery, or one whose lease lapsed; counts an attempt. */
  claim(leaseMs: number): Promise<Claim | undefined>;
  renew(lease: Lease, leaseMs: number): Promise<boolean>;
  finish(lease: Lease, outcome: DeliveryOutcome): Promise<boolean>;
  /** Back to the queue after a transient error, not before `at`; the attempt stays counted. */
  retry(lease: Lease, retry: { error: string; at: number }): Promise<boolean>;
  /** Back to the queue until `at` without counting the attempt (the run never started). */
  defer(lease: Lease, at: number): Promise<boolean>;
  /** Back to the queue now, keeping the attempt (a graceful stop). */
  release(lease: Lease): Promise<boolean>;
}
