import type { NewDelivery } from "../delivery-log.ts";
import { createDeliveryInserter, type InsertResult } from "./insert-deliveries.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

interface Pending {
  delivery: NewDelivery;
  resolve: (result: { inserted: boolean }) => void;
  reject: (error: unknown) => void;
}

// A checkpoint per 256 KB of deliveries: often enough that the log catches up and starts over under
// a steady stream, rarely enough that a trickle does not pay a checkpoint (and its fsync) each.
const checkpointEveryBytes = 256 * 1024;

/**
 * Group commit: deliveries that arrive in the same turn of the event loop
 * share one synchronous=FULL transaction (one fsync), and each caller is
 * answered only after that commit. A row that breaks a constraint fails only
 * its own caller (see insert-deliveries.ts). `flush` commits what waits now
 * (on close). (Committing on a worker thread of its own was measured too: no
 * faster here, see the README.)
 */
export function groupCommitDeliveries(
  database: SqliteDatabase,
  options: { now: () => number; checkpoint?: () => void },
) {
  const insertRows = createDeliveryInserter(database.db);
  let batch: Pending[] = [];
  let loggedSinceCheckpoint = 0;

  function flush() {
    const items = batch;
    batch = [];
    if (items.length === 0) return;
    let results: InsertResult[];
    try {
      results = database.durably(() =>
        insertRows(
          items.map((item) => item.delivery),
          options.now(),
        ),
      );
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    for (const item of items) loggedSinceCheckpoint += (item.delivery.payload?.length ?? 0) + 200;
    if (options.checkpoint && loggedSinceCheckpoint >= checkpointEveryBytes) {
      loggedSinceCheckpoint = 0;
      options.checkpoint();
    }
    items.forEach((item, index) => {
      const result = results[index]!;
      if (typeof result === "boolean") item.resolve({ inserted: result });
      else item.reject(new Error(`The delivery could not be stored: ${result.error}`));
    });
  }

  return {
    add(delivery: NewDelivery) {
      return new Promise<{ inserted: boolean }>((resolve, reject) => {
        batch.push({ delivery, resolve, reject });
        if (batch.length === 1) setImmediate(flush);
      });
    },
    flush,
  };
}
