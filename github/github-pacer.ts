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

// Token endpoints of GitHub Apps: not content writes, and taken one at a time.
const tokenPath =
  /^\/(app\/installations\/[^/]+\/access_tokens|applications\/[^/]+\/token(\/scoped)?|login\/oauth\/access_token)$/;
// Creating these notifies people (issues, pull requests, comments, reviews, releases, invitations).
const notifyingPath =
  /^\/repos\/[^/]+\/[^/]+\/(issues|pulls|releases|issues\/[^/]+\/comments|pulls\/[^/]+\/(comments|reviews)|pulls\/[^/]+\/comments\/[^/]+\/replies)$/;

/** Whether a request (its method, and its path below the API's base URL) asks GitHub for a token. */
export function isTokenRequest(method: string, path: string): boolean {
  return method.toUpperCase() !== "GET" && tokenPath.test(path);
}

/** The spacing a request needs: none for reads and token requests; a write's, or a notifying write's. */
export function writeKind(method: string, path: string): "write" | "notifying" | undefined {
  const upper = method.toUpperCase();
  if (upper === "GET" || upper === "HEAD" || isTokenRequest(upper, path)) return undefined;
  return upper === "POST" && notifyingPath.test(path) ? "notifying" : "write";
}

export interface GitHubPacer {
  /**
   * Resolves when a write may be sent: writes go in the order they asked, each
   * spaced from the moment the one before it was let go.
   */
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
 * Spacing and concurrency for one token's GitHub requests. A write that needs
 * no wait costs no timer at all (the Bottleneck queues of Octokit's plugins
 * wait on several per request). Spacing counts from when the write before was
 * really let go, so a timer that fires late delays the next write rather than
 * squeezing the gap.
 */
export function createGitHubPacer(pacing: Pacing = defaultPacing): GitHubPacer {
  let lastWrite = -Infinity;
  let lastNotification = -Infinity;
  let queue: Promise<void> = Promise.resolve();
  const requests = limit(maxInFlight);
  const tokens = limit(1);
  return {
    beforeWrite(notifying) {
      const turn = queue.then(async () => {
        for (;;) {
          const left =
            Math.max(lastWrite + pacing.writeMs, notifying ? lastNotification + pacing.notificationMs : -Infinity) -
            performance.now();
          if (left <= 0) break;
          await sleep(Math.ceil(left));
        }
        lastWrite = performance.now();
        if (notifying) lastNotification = lastWrite;
      });
      queue = turn;
      return turn;
    },
    request: requests,
    token: tokens,
  };
}
