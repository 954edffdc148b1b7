import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

// The thread's code is plain CommonJS given as text: a worker started from a .ts file would need
// the TypeScript loader of whatever started us (tsx, vitest), and not every one passes it on.
const threadCode = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqliteModule);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 5000");
db.pragma("synchronous = FULL");
let stopped = false;
function round() {
  if (stopped) return;
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    // Busy with another checkpointer (the tool server on the same file): the next round catches up.
    if (!(error && error.code === "SQLITE_BUSY")) parentPort.postMessage({ error: String(error && error.message) });
  }
  setTimeout(round, workerData.intervalMs);
}
parentPort.on("message", () => {
  stopped = true;
  db.close();
  parentPort.close();
});
round();
`;

/**
 * Copies the write-ahead log into the database file from a thread of its own.
 * SQLite otherwise does it inside whichever commit crosses 1,000 log pages,
 * and that commit (a delivery GitHub is waiting on) then stalls for the copy
 * and its fsync: 15 to 35 ms here, which was most of the answers' p99. The
 * log is checkpointed every `intervalMs`; if the thread fails, the caller's
 * `fallback` turns SQLite's own checkpoints back on.
 */
export function startWalCheckpointer(options: { file: string; intervalMs: number; fallback: (error: string) => void }) {
  const worker = new Worker(threadCode, {
    eval: true,
    workerData: { file: options.file, intervalMs: options.intervalMs, sqliteModule: createRequire(import.meta.url).resolve("better-sqlite3") },
  });
  worker.unref();
  let failed = false;
  let exited = false;
  worker.once("exit", () => (exited = true));
  const fail = (error: string) => {
    if (failed) return;
    failed = true;
    options.fallback(error);
  };
  worker.on("message", (message: { error?: string }) => message.error && fail(message.error));
  worker.on("error", (error) => fail(error.message));
  return {
    /** Closes the thread's connection, so the store's own close is the last and checkpoints what is left. */
    async stop() {
      // Held again while it stops: an unref'd thread would let a script's last await end the process first.
      if (exited) return;
      worker.ref();
      if (failed) return void (await worker.terminate());
      const stopped = new Promise((resolve) => worker.once("exit", resolve));
      worker.postMessage("stop");
      await stopped;
    },
  };
}
