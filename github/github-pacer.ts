import { setTimeout as sleep } from "node:timers/promises";

export interface Pacing {
  /** Least time between the starts of two writes (POST, PATCH, PUT, DELETE). */
  writeMs: number;
  /** Least time between the starts of two writes that notify people (a new comment, issue, pull request). */
  notificationMs: number;
}

/** What GitHub's REST guidance asks of an integration: a second between writes, three between notifying ones. */
export const defaultPacing: Pacing = { writeMs: 1_000, notificationMs: 3_000 };
// GitHub asks for requests in series; a few at once keep reads quick while a run's comment waits its turn.
const maxInFlight = 10;

export interface GitHubPacer {
  /** Resolves when a write may start; writes are paced in the order they asked. */
  beforeWrite(notifying: boolean): Promise<void>;
  /**
   * Resolves with a release when an HTTP request may go out: a few at a time.
   * Taken around the fetch alone, never around a call whose auth may make
   * requests of its own (a GitHub App's token), which could otherwise wait for
   * a slot held by the very call waiting for it.
   */
  request(): Promise<() => void>;
  /** Resolves with a release when a request for a token may start: one at a time. */
  token(): Promise<() => void>;
}

function limit(max: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (): Promise<() => void> => {
    if (active < max) active++;
    // The releaser hands its place straight to the next in line, so `active` stays counted.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = waiting.shift();
      if (next) next();
      else active--;
    };
  };
}

/**
 * Spacing and concurrency for one token's GitHub requests. Each write reserves
 * its start time when it asks, so nothing waits on a timer unless the previous
 * write was less than the spacing ago; a request that needs no wait costs no
 * timer at all (the Bottleneck queues this replaces cost several per request).
 */
export function createGitHubPacer(pacing: Pacing = defaultPacing): GitHubPacer {
  let nextWrite = 0;
  let nextNotification = 0;
  const requests = limit(maxInFlight);
  const tokens = limit(1);
  return {
    async beforeWrite(notifying) {
      const now = performance.now();
      const at = Math.max(now, nextWrite, notifying ? nextNotification : 0);
      nextWrite = at + pacing.writeMs;
      if (notifying) nextNotification = at + pacing.notificationMs;
      // Timers may fire a little early by this clock: the start is never before its reserved time.
      for (let left = at - now; left > 0; left = at - performance.now()) await sleep(Math.ceil(left));
    },
    request: requests,
    token: tokens,
  };
}

let shared: GitHubPacer | undefined;

/**
 * The process's pacer at GitHub's spacing: the relay and the tool server in one
 * process (`npm start`) use one token, so their writes share one pace.
 */
export function sharedGitHubPacer(): GitHubPacer {
  shared ??= createGitHubPacer(defaultPacing);
  return shared;
}
