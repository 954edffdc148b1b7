/**
 * What the relay and the tool server keep. Every method is async so that a
 * networked backend can implement the same interface later.
 */
/**
 * pending: waiting (maybe until `nextAttemptAt`); running: leased by a worker;
 * done; ignored (nothing to do); failed: a permanent error; dead: transient
 * errors until RELAY_MAX_ATTEMPTS ran out. failed and dead can be replayed.
 */
export type DeliveryStatus = "pending" | "running" | "done" | "failed" | "ignored" | "dead";

export interface NewDelivery {
  /** Dedupe key: hook (or app) id + delivery GUID, since one GUID goes to every hook. */
  key: string;
  deliveryId: string;
  event: string;
  action: string | null;
  status: "pending" | "ignored";
  reason?: string;
  repository?: string;
  issueNumber?: number;
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
  payload: string | null;
  attempts: number;
  receivedAt: number;
  updatedAt: number;
  chatId: string | null;
  commentUrl: string | null;
  lastError: string | null;
  nextAttemptAt: number | null;
  /**
   * When the latest attempt was claimed, and when the delivery was last finished (done, failed,
   * ignored or dead by a worker). Optional so a backend may leave them out; the deliveries page
   * then shows no duration.
   */
  startedAt?: number | null;
  finishedAt?: number | null;
}

export interface DeliveryOutcome {
  status: "done" | "failed" | "ignored" | "dead";
  reason?: string;
  commentUrl?: string;
}

export interface WriteLimit {
  max: number;
  windowMs: number;
}

export interface RunRecord {
  chatId: string;
  deliveryKey: string;
  deliveryId: string;
  owner: string;
  repo: string;
  issueNumber: number;
  messageId: string;
  commentId: number | null;
  commentUrl: string | null;
  createdAt: number;
}

export interface Store {
  /** Durable when the promise resolves. `inserted: false` means the key was seen before. */
  addDelivery(delivery: NewDelivery): Promise<{ inserted: boolean }>;
  getDelivery(key: string): Promise<DeliveryRecord | undefined>;
  /** The newest delivery with this GUID (from any hook). */
  getDeliveryById(deliveryId: string): Promise<DeliveryRecord | undefined>;
  /** Takes the oldest pending delivery (or one whose lease ran out) and leases it. */
  claimDelivery(leaseMs: number): Promise<DeliveryRecord | undefined>;
  finishDelivery(key: string, outcome: DeliveryOutcome): Promise<void>;
  /** Puts a delivery back in the queue after a transient error, not before `at`. */
  retryDelivery(key: string, retry: { error: string; at: number }): Promise<void>;
  /** Queues a failed or dead delivery again with fresh attempts; undefined if there is none in that state. */
  replayDelivery(deliveryId: string): Promise<DeliveryRecord | undefined>;
  listDeliveries(filter: { status?: DeliveryStatus; limit: number }): Promise<DeliveryRecord[]>;
  /** Puts deliveries left running by a stopped process back in the queue. */
  releaseRunning(): Promise<number>;
  /** Puts one running delivery back in the queue, keeping its attempt count. */
  releaseDelivery(key: string): Promise<void>;
  countByStatus(): Promise<Record<DeliveryStatus, number>>;
  /**
   * Takes one slot of a write budget shared by every process on the store
   * (GitHub counts content creation per token), or says when one frees up.
   */
  reserveWrite(limits: readonly WriteLimit[], options?: { peek?: boolean }): Promise<{ ok: true } | { ok: false; retryInMs: number }>;
  /** Puts a claimed delivery back until `at` without counting the attempt (it never started). */
  deferDelivery(key: string, at: number): Promise<void>;
  /** Takes a named lock for `ttlMs` unless someone else holds it; true when taken. Shared by every process on the store. */
  tryLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
  unlock(name: string, owner: string): Promise<void>;
  addRun(run: Omit<RunRecord, "commentId" | "commentUrl" | "createdAt">): Promise<void>;
  getRun(chatId: string): Promise<RunRecord | undefined>;
  setRunComment(chatId: string, comment: { id: number; url: string }): Promise<void>;
  close(): Promise<void>;
}
