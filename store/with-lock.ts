import { randomUUID } from "node:crypto";
import type { Coordination } from "./coordination.ts";

/**
 * Runs `work` while holding a lock shared through the store's coordination, waiting for it up
 * to `waitMs`. The lock is renewed every third of `ttlMs` while the work lasts, however long that
 * is (a comment's budget wait, GitHub's retries); a holder that dies leaves it to expire after `ttlMs`.
 */
export async function withLock<T>(
  coordination: Coordination,
  name: string,
  work: () => Promise<T>,
  options: { ttlMs?: number; waitMs?: number } = {},
): Promise<T> {
  const owner = randomUUID();
  const ttlMs = options.ttlMs ?? 60_000;
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  // Each try is a write on the shared store: back off from 25 ms to 1 s.
  for (let pause = 25; !(await coordination.tryLock(name, owner, ttlMs)); pause = Math.min(pause * 2, 1_000)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${name}`);
    await new Promise((r) => setTimeout(r, pause));
  }
  const renewal = setInterval(
    () => void coordination.tryLock(name, owner, ttlMs).catch(() => {}),
    Math.max(Math.floor(ttlMs / 3), 1),
  );
  renewal.unref();
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await coordination.unlock(name, owner);
  }
}
