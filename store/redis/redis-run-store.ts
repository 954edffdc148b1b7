import type { Redis } from "ioredis";
import type { RunStore } from "../run-store.ts";
import type { RunScript } from "./define-scripts.ts";
import { createRedisCommentThreads } from "./redis-comment-threads.ts";
import { pairsToFields, toRun } from "./to-records.ts";

/** Runs on Redis (keys and scripts: coordination-scripts.ts). */
export function createRedisRunStore(redis: Redis, prefix: string, run: RunScript): RunStore {
  /** Fields of the run the delivery's hash names in `pointer`; nulls when there is none. */
  const runFields = async (deliveryKey: string, pointer: string, ...fields: string[]) =>
    ((await run("deliveryRunField", deliveryKey, pointer, ...fields)) as Array<string | null> | null) ?? [];
  return {
    ...createRedisCommentThreads(redis, prefix, run),
    async add(record) {
      await run("addRun", JSON.stringify({ ...record, rule: record.rule ? JSON.stringify(record.rule) : null }));
    },
    async get(chatId) {
      return toRun(pairsToFields(await run("getRun", chatId)));
    },
    async finish(chatId) {
      await run("finishRun", chatId);
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
    async commentOf(deliveryKey) {
      const [id, url] = await runFields(deliveryKey, "commentChat", "commentId", "commentUrl");
      return id && url ? { id: Number(id), url } : undefined;
    },
    async setCommentsPosted(chatId, count) {
      await run("setRunField", chatId, "commentsPosted", count);
    },
    async setLabelsAdded(chatId, labels) {
      await run("setRunField", chatId, "labelsAdded", JSON.stringify(labels));
    },
    async keepAnswer(chatId, answer) {
      await run("keepRunAnswer", chatId, answer);
    },
    async keptAnswerOf(deliveryKey) {
      const [chatId, answer] = await runFields(deliveryKey, "answerChat", "chatId", "answer");
      return chatId && answer ? { chatId, answer } : undefined;
    },
  };
}
