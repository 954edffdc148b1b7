/**
 * The bytes of webhook bodies being read at once, across requests. A body is read whole before its
 * signature can be checked, so without a cap many large unsigned bodies at once fill the relay's
 * memory (issue 16: 24 parallel 24 MB requests took it from 107 to 576 MB).
 */
export interface BodyBudget {
  /** Reserves `bytes` when they fit under the cap; false (nothing reserved) when they do not. */
  take(bytes: number): boolean;
  release(bytes: number): void;
}

export function createBodyBudget(maxBytes: number): BodyBudget {
  let inUse = 0;
  return {
    take(bytes) {
      if (inUse + bytes > maxBytes) return false;
      inUse += bytes;
      return true;
    },
    release(bytes) {
      inUse = Math.max(0, inUse - bytes);
    },
  };
}
