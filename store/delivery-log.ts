/**
 * pending: waiting (maybe until `nextAttemptAt`); running: leased by a worker;
 * done; ignored (nothing to do); failed: a permanent error; dead: transient
 * errors until RELAY_MAX_ATTEMPTS ran out. failed and dead can be replayed.
 */
export type DeliveryStatus = "pending" | "running" | "done" | "failed" | "ignored" | "dead";

export const deliveryStatuses: readonly DeliveryStatus[] = ["pending", "running", "done", "failed", "ignored", "dead"];

export interface NewDelivery {
  /** Dedupe key, one per run (relay/run-key.ts): from the signed payload for issues.opened, else hook id + GUID. */
  key: string;
  deliveryId: string;
  event: string;
  action: string | null;
  status: "pending" | "ignored";
  reason?: string;
  repository?: string;
  issueNumber?: number;
  /** The rule the delivery runs (relay/rules), or none: ignored deliveries and those stored before rules. */
  rule?: string;
  /** Raw JSON body, kept only for deliveries that will be worked on. */
  payload?: string;
}

export interface DeliveryRecord {
  key: string;
  deliveryId: string;
  event: string;
  action: string | null;
  status: DeliveryStatus;
  reason: string | null;
  repository: string | null;
  issueNumber: number | null;
  rule: string | null;
  /**
   * The raw JSON body. Once a delivery is done (and unless the store keeps done
   * payloads), only `{"issue":{"title","html_url"}}` is left of it: what the
   * deliveries page shows. A done delivery cannot be replayed; failed and dead
   * ones keep theirs until their row goes.
   */
  payload: string | null;
  attempts: number;
  receivedAt: number;
  updatedAt: number;
  chatId: string | null;
  commentUrl: string | null;
  lastError: string | null;
  /** The latest run's notifications that failed (`channel: error; ...`); null when all went, or none was asked. */
  notifyError: string | null;
  nextAttemptAt: number | null;
  /** When the latest attempt was claimed, and when the delivery was last finished. */
  startedAt: number | null;
  finishedAt: number | null;
}

/** How long finished deliveries are kept (see `DeliveryLog.prune`). */
export interface RetentionPolicy {
  /** Done and ignored deliveries go this long after their last change. */
  keepMs: number;
  /** Failed and dead ones (which can still be replayed) go this long after their last change; at least `keepMs`. */
  keepFailedMs: number;
  /** The most deliveries one call removes, in one transaction or script. */
  batchSize: number;
}

export interface PruneResult {
  /** Deliveries removed, and the runs (chats) that were theirs. */
  deleted: number;
  runsDeleted: number;
  /** True when a full batch went: call again (after yielding) for the rest. */
  more: boolean;
}

/**
 * The record of every delivery GitHub (or a replay) handed us. Same meaning on
 * every backend; `test/store/delivery-log.contract.test.ts` holds each to it.
 */
export interface DeliveryLog {
  /**
   * Durable when the promise resolves; a pending delivery is queued by the same
   * write (one round trip). `inserted: false`: the key was stored before, and
   * nothing changed.
   */
  add(delivery: NewDelivery): Promise<{ inserted: boolean }>;
  get(key: string): Promise<DeliveryRecord | undefined>;
  /** The newest delivery with this GUID (from any hook). */
  findByDeliveryId(deliveryId: string): Promise<DeliveryRecord | undefined>;
  /** Newest first. */
  list(filter: { status?: DeliveryStatus; limit: number }): Promise<DeliveryRecord[]>;
  /** From counters kept as deliveries change, not a scan. */
  counts(): Promise<Record<DeliveryStatus, number>>;
  /**
   * Queues the failed or dead delivery with this key again, with fresh attempts.
   * Undefined (and nothing changed) when there is no such key in either state.
   */
  replay(key: string): Promise<DeliveryRecord | undefined>;
  /**
   * A rule's cooldown on one issue or pull request (`turn`, e.g. `triage:o/r#7`): records that the
   * delivery `deliveryKey` starts a run there at `now`, unless another delivery started one less
   * than `cooldownMs` before. Returns when that other run started (and then changes nothing), or
   * null when this run may start; a retry of the same delivery always may.
   */
  startRuleRun(turn: string, deliveryKey: string, now: number, cooldownMs: number): Promise<number | null>;
  /**
   * Removes one batch of finished deliveries older than the policy keeps, with
   * their runs and every index entry that names them, oldest first; also the
   * store's expired locks and spent comment slots. Never a pending or running
   * delivery.
   */
  prune(policy: RetentionPolicy, now: number): Promise<PruneResult>;
}
