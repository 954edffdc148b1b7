import type { Logger } from "../lib/logger.ts";
import type { DeliveryLog, RetentionPolicy } from "../store/delivery-log.ts";
import type { RunStore } from "../store/run-store.ts";

export interface RetentionOptions {
  deliveries: DeliveryLog;
  policy: RetentionPolicy;
  intervalMs: number;
  logger: Logger;
  now?: () => number;
  /** Deletes each run's Open WebUI chat `keepMs` after the run started (OPENWEBUI_CHAT_RETENTION_DAYS); absent: chats stay. */
  chats?: { runs: RunStore; keepMs: number; deleteChat: (chatId: string) => Promise<boolean> };
}

/** Chats deleted per batch: each is a request to Open WebUI. */
const chatBatch = 20;

/** Lets the event loop answer webhooks between two batches. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Prunes the store on a timer of the worker side, in batches of one
 * transaction (or script) each with a turn of the event loop between them,
 * so a month of rows never holds the thread that answers GitHub. Every
 * replica may run it: a batch is atomic, and two replicas only share the work.
 */
export function createRetention(options: RetentionOptions) {
  const { deliveries, policy, logger } = options;
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let sweeping: Promise<void> | undefined;

  /** One pass: every batch due at this moment, or until stopped. */
  async function sweep(): Promise<{ deleted: number; runsDeleted: number; chatsDeleted: number }> {
    const at = now();
    const total = { deleted: 0, runsDeleted: 0 };
    for (;;) {
      const batch = await deliveries.prune(policy, at);
      total.deleted += batch.deleted;
      total.runsDeleted += batch.runsDeleted;
      if (!batch.more || stopping) break;
      await yieldToOthers();
    }
    if (total.deleted > 0) logger.info("deleted deliveries past their retention", total);
    const chatsDeleted = options.chats ? await deleteChats(options.chats, at) : 0;
    return { ...total, chatsDeleted };
  }

  /** Chats past their time, a batch at a time; a chat is marked only once Open WebUI deleted it (or had not got it). */
  async function deleteChats(chats: NonNullable<RetentionOptions["chats"]>, at: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const ids = await chats.runs.chatsToDelete(at - chats.keepMs, chatBatch);
      for (const chatId of ids) {
        await chats.deleteChat(chatId);
        await chats.runs.chatDeleted(chatId);
        deleted++;
      }
      if (ids.length < chatBatch || stopping) break;
      await yieldToOthers();
    }
    if (deleted > 0) logger.info("deleted Open WebUI chats past their retention", { chats: deleted });
    return deleted;
  }

  function tick() {
    if (sweeping) return;
    sweeping = sweep()
      .then(() => undefined)
      .catch((error: unknown) =>
        logger.warn("the retention pass stopped on an error; the next one starts over", { error }),
      )
      .finally(() => (sweeping = undefined));
  }

  return {
    sweep,
    start() {
      stopping = false;
      timer = setInterval(tick, options.intervalMs);
      timer.unref();
      tick();
    },
    /** Stops the timer and waits for a pass in progress to end its batch. */
    async stop() {
      stopping = true;
      clearInterval(timer);
      await sweeping;
    },
  };
}
