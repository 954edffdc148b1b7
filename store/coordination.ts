export interface WriteLimit {
  max: number;
  windowMs: number;
}

export type WriteSlot = { ok: true } | { ok: false; retryInMs: number };

/** What every process on one store shares besides the deliveries: named locks, GitHub's comment budget, epochs. */
export interface Coordination {
  /** Takes a named lock for `ttlMs` unless someone else holds it; true when taken. */
  tryLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
  unlock(name: string, owner: string): Promise<void>;
  /**
   * Takes one slot of the named write budget, shared by every process on the store, or says when
   * one frees up. GitHub counts content creation per token, and as a GitHub App per installation:
   * each is its own budget (GitHubClients.budgetFor names them), so one cannot use up another's.
   * `peek` answers without taking the slot.
   */
  reserveWrite(budget: string, limits: readonly WriteLimit[], options?: { peek?: boolean }): Promise<WriteSlot>;
  /**
   * A named number that only grows, 0 until first advanced: what ends every admin session at once
   * (a session carries the epoch it was issued in, and sign-out advances it on every replica).
   */
  readEpoch(name: string): Promise<number>;
  /** Adds one to the named epoch and answers the new value. */
  advanceEpoch(name: string): Promise<number>;
  /**
   * Takes the next turn of a pace shared by every process on the store (GitHub's spacing between
   * new comments counts per token or installation, not per process; the comments' pace is named
   * after their budget, see waitForCommentTurn): turns start at least `gapMs` apart. Answers
   * how long to wait before going, 0 for now. A turn taken by a process that then dies just passes.
   */
  takeTurn(pace: string, gapMs: number): Promise<number>;
}
