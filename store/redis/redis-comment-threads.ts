import type { Redis } from "ioredis";
import type { RunStore } from "../run-store.ts";
import type { RunScript } from "./define-scripts.ts";

/** The threads of `comment: update` rules on Redis (keys and the claim's script: coordination-scripts.ts). */
export function createRedisCommentThreads(
  redis: Redis,
  prefix: string,
  run: RunScript,
): Pick<RunStore, "threadOf" | "claimThread" | "setThreadComment"> {
  const key = (thread: string) => `${prefix}:thread:${thread}`;
  return {
    async threadOf(thread) {
      const f = await redis.hgetall(key(thread));
      if (Object.keys(f).length === 0) return undefined;
      return {
        comment: f.commentId && f.commentUrl ? { id: Number(f.commentId), url: f.commentUrl } : null,
        newest:
          f.newestKey && f.newestId && f.newestAt
            ? { deliveryKey: f.newestKey, deliveryId: f.newestId, receivedAt: Number(f.newestAt) }
            : null,
      };
    },
    async claimThread(thread, claim) {
      const [deliveryKey, deliveryId, at] = (await run(
        "claimThread",
        thread,
        claim.deliveryKey,
        claim.deliveryId,
        claim.receivedAt,
      )) as [string, string, string];
      return { deliveryKey, deliveryId, receivedAt: Number(at) };
    },
    async setThreadComment(thread, comment) {
      await redis.hset(key(thread), "commentId", comment.id, "commentUrl", comment.url);
    },
  };
}
