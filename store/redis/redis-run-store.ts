import type { Redis } from "ioredis";
import type { RunStore } from "../run-store.ts";
import type { RunScript } from "./define-scripts.ts";
import { toRun } from "./to-records.ts";

/** Runs on Redis (keys and scripts: coordination-scripts.ts). */
export function createRedisRunStore(redis: Redis, prefix: string, run: RunScript): RunStore {
  return {
    async add(record) {
      await run("addRun", JSON.stringify(record));
    },
    async get(chatId) {
      return toRun(await redis.hgetall(`${prefix}:run:${chatId}`));
    },
    async setComment(chatId, comment) {
      await run("setRunComment", chatId, comment.id, comment.url);
    },
    async chatsToDelete(before, limit) {
      return redis.zrangebyscore(`${prefix}:runs:chats`, "-inf", `(${before}`, "LIMIT", 0, limit);
    },
    async chatDeleted(chatId) {
      await redis.zrem(`${prefix}:runs:chats`, chatId);
    },
  };
}
