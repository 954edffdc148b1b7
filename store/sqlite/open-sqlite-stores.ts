import type { RelayStores, ToolServerStores } from "../stores.ts";
import { groupCommitDeliveries } from "./group-commit-deliveries.ts";
import { openSqliteDatabase } from "./open-sqlite-database.ts";
import { createSqliteCoordination } from "./sqlite-coordination.ts";
import { createSqliteDeliveryLog } from "./sqlite-delivery-log.ts";
import { createSqliteDeliveryQueue } from "./sqlite-delivery-queue.ts";
import { createSqliteObservationStore } from "./sqlite-observation-store.ts";
import { createSqliteRunStore } from "./sqlite-run-store.ts";
import { startWalCheckpointer } from "./wal-checkpointer.ts";

export interface SqliteStoreOptions {
  /** The folder of `openwebui-github.db`, made if missing; ":memory:" for a store that lives only in this process. */
  dataDir: string;
  now?: () => number;
  /** Keep a done delivery's whole payload instead of only its issue's title and link (RELAY_KEEP_DONE_PAYLOADS). */
  keepDonePayloads?: boolean;
}

/**
 * The relay's stores in one SQLite file. A delivery is stored with
 * synchronous=FULL in a commit shared with the deliveries that arrived in the
 * same turn: it survives a crash of the process and a power loss. Other
 * processes on the file (the tool server, `npm run deliveries`, another relay
 * on the same disk) share its queue, runs, locks and comment budget; leases
 * are what keeps two workers off one delivery.
 */
export async function openSqliteRelayStores(options: SqliteStoreOptions): Promise<RelayStores> {
  const now = options.now ?? Date.now;
  const database = openSqliteDatabase(options.dataDir);
  const { db, file } = database;
  // Checkpoints off the thread that answers GitHub (see wal-checkpointer.ts); SQLite's own are the fallback.
  const checkpointer = file
    ? startWalCheckpointer({
        file,
        intervalMs: 100,
        fallback: (error) => {
          if (db.open) db.pragma("wal_autocheckpoint = 1000");
          process.emitWarning(
            `The store's checkpoint thread stopped (${error}); SQLite checkpoints in its commits again.`,
          );
        },
      })
    : undefined;
  if (checkpointer) db.pragma("wal_autocheckpoint = 0");
  const inserts = groupCommitDeliveries(database, {
    now,
    ...(checkpointer ? { checkpoint: () => checkpointer.committed() } : {}),
  });
  return {
    deliveries: createSqliteDeliveryLog(database, { now, add: inserts.add }),
    queue: createSqliteDeliveryQueue(db, { now, keepDonePayloads: options.keepDonePayloads ?? false }),
    runs: createSqliteRunStore(db, { now }),
    coordination: createSqliteCoordination(db, { now }),
    observations: createSqliteObservationStore(db, { now }),
    async close() {
      inserts.flush();
      await checkpointer?.stop();
      if (db.open) db.close();
    },
  };
}

/**
 * The tool server's stores on the relay's file: runs and coordination only.
 * No delivery inserter and no checkpoint thread (the relay's checkpoints the
 * file; this connection's few writes leave SQLite's own checkpoints on).
 */
export async function openSqliteToolServerStores(options: SqliteStoreOptions): Promise<ToolServerStores> {
  const now = options.now ?? Date.now;
  const { db } = openSqliteDatabase(options.dataDir);
  return {
    runs: createSqliteRunStore(db, { now }),
    coordination: createSqliteCoordination(db, { now }),
    observations: createSqliteObservationStore(db, { now }),
    async close() {
      if (db.open) db.close();
    },
  };
}
