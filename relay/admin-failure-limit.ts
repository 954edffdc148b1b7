export interface FailureLimitOptions {
  /** Wrong tokens a client may send before it must wait. */
  freeFailures?: number;
  /** The first wait; each failure after it doubles the wait, up to `maxWaitMs`. */
  baseWaitMs?: number;
  maxWaitMs?: number;
  /** How many clients are remembered at once; beyond it the longest-remembered is forgotten. */
  maxClients?: number;
  now?: () => number;
}

export type FailureCheck = { ok: true } | { ok: false; retryAfterMs: number };

export interface FailureLimit {
  /** Whether this client may try a token now. While it must wait, its token is not even compared. */
  check(client: string): FailureCheck;
  /** A wrong token: the client's next try waits, and longer each time. */
  failed(client: string): void;
  /** A right token: the client starts afresh. */
  succeeded(client: string): void;
}

interface ClientState {
  failures: number;
  until: number;
  lastAt: number;
}

/**
 * Slows down guessing of RELAY_ADMIN_TOKEN per client address: after a few wrong tokens each try
 * waits twice as long as the last (RFC 6585's 429 with Retry-After), while a client with the right
 * token, from another address, is never held up. Kept in the process: each replica slows its own
 * share, which bounds guessing to replicas x the same doubling.
 */
export function createFailureLimit(options: FailureLimitOptions = {}): FailureLimit {
  const freeFailures = options.freeFailures ?? 5;
  const baseWaitMs = options.baseWaitMs ?? 1_000;
  const maxWaitMs = options.maxWaitMs ?? 15 * 60_000;
  const maxClients = options.maxClients ?? 10_000;
  const now = options.now ?? Date.now;
  const clients = new Map<string, ClientState>();

  // A client silent for longer than the longest wait has nothing left to hold against it.
  function forget(t: number) {
    for (const [client, state] of clients) {
      if (clients.size < maxClients && t - state.lastAt < maxWaitMs) break;
      clients.delete(client);
    }
  }

  return {
    check(client) {
      const state = clients.get(client);
      const t = now();
      if (!state || state.until <= t) return { ok: true };
      return { ok: false, retryAfterMs: state.until - t };
    },
    failed(client) {
      const t = now();
      const state = clients.get(client) ?? { failures: 0, until: 0, lastAt: t };
      state.failures += 1;
      state.lastAt = t;
      const over = state.failures - freeFailures;
      if (over >= 0) state.until = t + Math.min(maxWaitMs, baseWaitMs * 2 ** Math.min(over, 40));
      // Re-inserted, so the map stays ordered by last failure and forget() stops at the first recent one.
      clients.delete(client);
      clients.set(client, state);
      forget(t);
    },
    succeeded(client) {
      clients.delete(client);
    },
  };
}

/** Retry-After in whole seconds, never 0 (a client told 0 would retry at once). */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/**
 * The client a failure counts against: its IPv4 address, or its IPv6 /64, since one host commonly
 * holds a whole /64 and could otherwise take a fresh address for every guess.
 */
export function clientOf(ip: string | undefined): string {
  const address = (ip ?? "").split("%")[0]!;
  if (!address.includes(":") || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address)) return address;
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => (parseInt(group, 16) || 0).toString(16))
    .join(":")}::/64`;
}
