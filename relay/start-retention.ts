import type { Logger } from "../lib/logger.ts";
import type { DeliveryLog, RetentionPolicy } from "../store/delivery-log.ts";

export interface RetentionOptions {
  deliveries: DeliveryLog;
  policy: RetentionPolicy;
  intervalMs: number;
  logger: Logger;
  now?: () => number;
}

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
  let stopped = true;
  let sweeping: Promise<void> | undefined;

  /** One pass: every batch due at this moment, or until stopped. */
  async function sweep(): Promise<{ deleted: number; runsDeleted: number }> {
    const at = now();
    const total = { deleted: 0, runsDeleted: 0 };
    for (;;) {
      const batch = await deliveries.prune(policy, at);
      total.deleted += batch.deleted;
      total.runsDeleted += batch.runsDeleted;
      if (!batch.more || stopped) break;
      await yieldToOthers();
    }
    if (total.deleted > 0) logger.info("deleted deliveries past their retention", total);
    return total;
  }

  function tick() {
    if (sweeping) return;
    sweeping = sweep()
      .then(() => undefined)
      .catch((error: unknown) => logger.warn("could not prune the store; trying again later", { error }))
      .finally(() => (sweeping = undefined));
  }

  return {
    sweep,
    start() {
      stopped = false;
      timer = setInterval(tick, options.intervalMs);
      timer.unref();
      tick();
    },
    /** Stops the timer and waits for a pass in progress to end its batch. */
    async stop() {
      stopped = true;
      clearInterval(timer);
      await sweeping;
    },
  };
}
