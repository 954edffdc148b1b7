import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.ts";
import { createOpenWebUIClient } from "../open-webui/chat-client.ts";
import { createRetention } from "../relay/start-retention.ts";
import { startOpenWebUIStandIn, type OpenWebUIStandIn } from "../stand-ins/open-webui-stand-in.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";

const day = 86_400_000;

describe("deleting runs' Open WebUI chats after OPENWEBUI_CHAT_RETENTION_DAYS", () => {
  let owui: OpenWebUIStandIn | undefined;
  let stores: RelayStores | undefined;
  afterEach(async () => {
    await stores?.close();
    await owui?.close();
  });

  it("deletes each run's chat once it is old enough, through DELETE /api/v1/chats/{id}, and only once", async () => {
    // Nothing here asks for a completion: the model's address is never called.
    owui = await startOpenWebUIStandIn({ modelUrl: "http://127.0.0.1:9", modelApiKey: "unused" });
    let now = Date.UTC(2026, 0, 1);
    stores = await openSqliteRelayStores({ dataDir: ":memory:", now: () => now });
    const client = createOpenWebUIClient({
      baseUrl: owui.url,
      apiKey: owui.apiKey,
      completionTimeoutMs: 5_000,
      requestTimeoutMs: 5_000,
    });
    const deleteCalls: string[] = [];
    const retention = createRetention({
      deliveries: stores.deliveries,
      policy: { keepMs: 30 * day, keepFailedMs: 30 * day, batchSize: 500 },
      intervalMs: 60_000,
      logger: createLogger({ write: () => {} }),
      now: () => now,
      chats: {
        runs: stores.runs,
        keepMs: 7 * day,
        deleteChat: (id) => (deleteCalls.push(id), client.deleteChat(id)),
      },
    });
    const chatIds: string[] = [];
    for (const n of [1, 2, 3]) {
      const chat = await client.createChat({
        title: `Issue ${n}`,
        model: "m",
        userMessageId: randomUUID(),
        assistantMessageId: randomUUID(),
        userMessage: "hello",
      });
      chatIds.push(chat.id);
      await stores.deliveries.add({
        key: `h:${n}`,
        deliveryId: `g${n}`,
        event: "issues",
        action: "opened",
        status: "pending",
        payload: "{}",
      });
      await stores.runs.add({
        chatId: chat.id,
        deliveryKey: `h:${n}`,
        deliveryId: `g${n}`,
        owner: "o",
        repo: "r",
        issueNumber: n,
        messageId: "m",
      });
      now += day;
    }
    // The third chat was deleted by hand in Open WebUI.
    owui.chats.delete(chatIds[2]!);
    now += 5 * day;
    // Runs 1 and 2 are 8 and 7 days old, run 3 six: only run 1's chat is past 7 days.
    expect(await retention.sweep()).toMatchObject({ chatsDeleted: 1 });
    expect([...owui.chats.keys()]).toEqual([chatIds[1]]);
    now += 2 * day;
    expect(await retention.sweep()).toMatchObject({ chatsDeleted: 2 });
    expect(owui.chats.size).toBe(0);
    expect(deleteCalls).toEqual(chatIds);
    // Each chat is asked for once; the runs stay (their deliveries are kept 30 days).
    expect(await retention.sweep()).toMatchObject({ chatsDeleted: 0 });
    expect(deleteCalls).toHaveLength(3);
    expect(await stores.runs.get(chatIds[0]!)).toMatchObject({ deliveryKey: "h:1" });
  });

  it("answers true for a deleted chat and false for one Open WebUI does not have", async () => {
    owui = await startOpenWebUIStandIn({ modelUrl: "http://127.0.0.1:9", modelApiKey: "unused" });
    const client = createOpenWebUIClient({
      baseUrl: owui.url,
      apiKey: owui.apiKey,
      completionTimeoutMs: 5_000,
      requestTimeoutMs: 5_000,
    });
    const chat = await client.createChat({
      title: "t",
      model: "m",
      userMessageId: "u",
      assistantMessageId: "a",
      userMessage: "hi",
    });
    expect(await client.deleteChat(chat.id)).toBe(true);
    expect(owui.chats.has(chat.id)).toBe(false);
    expect(await client.deleteChat(chat.id)).toBe(false);
    const refused = createOpenWebUIClient({
      baseUrl: owui.url,
      apiKey: "sk-wrong",
      completionTimeoutMs: 5_000,
      requestTimeoutMs: 5_000,
    });
    await expect(refused.deleteChat("x")).rejects.toThrow(/answered 401 to DELETE \/api\/v1\/chats\/x/);
  });
});
