/** A run's result as it is posted: where it went on GitHub and what the model said. */
export interface NotifyMessage {
  title: string;
  /** The comment (or digest) on GitHub; left out when it is not an http(s) URL. */
  link?: string;
  text: string;
  /** The delivery the run answered: named in the log lines, never posted. */
  deliveryId?: string;
}

/** What the deliveries page shows for one notification. It never holds a secret. */
export interface NotifyOutcome {
  channel: string;
  ok: boolean;
  /** Requests made; 0 when nothing was sent (an unknown channel). */
  attempts: number;
  error?: string;
}

/** Waits that nest: each attempt inside the whole, retries only while the whole has time left. */
export interface NotifyTimeouts {
  /** One request, from sending to the last byte of the answer. */
  attemptMs: number;
  /** Every attempt and every wait between them; at least attemptMs. */
  totalMs: number;
  /** The first wait before a retry; doubled each time. A longer Retry-After wins. */
  backoffMs: number;
  /** Requests at most, the first included. */
  attempts: number;
}

export const defaultNotifyTimeouts: NotifyTimeouts = Object.freeze({
  attemptMs: 10_000,
  totalMs: 45_000,
  backoffMs: 1_000,
  attempts: 4,
});

/** How one answer from a platform is taken. */
export type AttemptResult =
  | { ok: true }
  | {
      ok: false;
      retry: boolean;
      error: string;
      retryAfterMs?: number;
      /** No answer in time: the request may have landed all the same. */
      timedOut?: boolean;
    };

/** One request to a platform, built by the kind's payload module. */
export interface PlatformRequest {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  judge(status: number, text: string, headers: Headers): AttemptResult;
}
