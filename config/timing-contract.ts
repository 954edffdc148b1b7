/** One timeout or wait as configured: the variable that sets it, and its value. */
export type Timing = readonly [variable: string, ms: number];

interface Fit {
  /** Waited one after the other inside the outer bound. */
  inner: readonly Timing[];
  outer: Timing;
  why: string;
}

function fits({ inner, outer, why }: Fit): string | null {
  const total = inner.reduce((sum, [, ms]) => sum + ms, 0);
  if (total <= outer[1]) return null;
  const names = inner.map(([name, ms]) => `${name} (${ms})`).join(" + ");
  const lower = inner.length === 1 ? inner[0]![0] : `${inner.map(([name]) => name).join(" or ")}`;
  return `${names} must fit in ${outer[0]} (${outer[1]}): ${why}; lower ${lower} or raise ${outer[0]}`;
}

export interface CommentTimings {
  /** One term, or several that add up (attempts and the waits between them). */
  githubRequest: readonly Timing[];
  commentBudgetWait: Timing;
  commentLock: Timing;
}

export interface ServerTimings {
  headersTimeout: Timing;
  requestTimeout: Timing;
}

/**
 * The waits that must fit inside each other, checked at start-up. A run's comment waits for the
 * token's budget and then makes its GitHub request, all under the lock that keeps a second run of
 * the delivery from commenting too; that lock is taken inside the completion, which is the
 * outermost bound of a run (the relay's lease is renewed while it lasts).
 */
export function timingProblems(timings: {
  comment: CommentTimings;
  server: ServerTimings;
  completion?: Timing;
  openWebUIRequest?: Timing;
  retry?: { base: Timing; max: Timing };
}): string[] {
  const { comment, server, completion, openWebUIRequest, retry } = timings;
  const rules: Fit[] = [
    {
      inner: [comment.commentBudgetWait, ...comment.githubRequest],
      outer: comment.commentLock,
      why: "a comment still waiting for GitHub's budget would outlive the lock, and a second run of the delivery could comment too",
    },
    {
      inner: [server.headersTimeout],
      outer: server.requestTimeout,
      why: "a request's headers arrive within the time allowed for the whole request",
    },
  ];
  if (completion) {
    rules.push({
      inner: [comment.commentLock],
      outer: completion,
      why: "the run's comment is posted during the completion, and its lock must not outlast the run",
    });
    if (openWebUIRequest)
      rules.push({
        inner: [openWebUIRequest],
        outer: completion,
        why: "reading a run's chat back must not take longer than the run",
      });
  }
  if (retry)
    rules.push({
      inner: [retry.base],
      outer: retry.max,
      why: "the first retry's wait is the shortest, and the waits double up to the longest",
    });
  return rules.map(fits).filter((problem): problem is string => problem !== null);
}
