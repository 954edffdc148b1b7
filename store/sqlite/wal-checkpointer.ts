import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

// The thread's code is plain CommonJS given as text: a worker started from a .ts file would need
// the TypeScript loader of whatever started us (tsx, vitest), and not every one passes it on.
// signal[0] counts commits (the thread wakes on each change), signal[1] is set to stop it.
const threadCode = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqliteModule);
const signal = new Int32Array(workerData.signal);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 5000");
db.pragma("synchronous = FULL");
let seen = Atomics.load(signal, 0);
while (Atomics.load(signal, 1) === 0) {
  Atomics.wait(signal, 0, seen, workerData.intervalMs);
  seen = Atomics.load(signal, 0);
  if (Atomics.load(signal, 1) !== 0) break;
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    // Busy with another checkpointer (the tool server on the same file): the next round catches up.
    if (!(error && error.code === "SQLITE_BUSY")) {
      parentPort.postMessage({ error: String(error && error.message) });
      break;
    }
  }
}
db.close();
`;

/**
 * Copies the write-ahead log into the database file from a thread of its own.
 * SQLite otherwise does it inside whichever commit crosses 1,000 log pages,
 * and that commit (a delivery GitHub is waiting on) then stalls for the copy
 * and its fsync: 15 to 35 ms here, which was most of the answers' p99.
 *
 * The thread checkpoints as soon as it is told of commits (`committed`),
 * and at least every `intervalMs`. Caught up, the log starts again from its
 * beginning at the next commit and overwrites file pages the system already
 * holds; a log that only grows allocates new ones, which on this machine cost
 * the thread that answers GitHub about 25 µs per 20 KB against 2 µs for an
 * overwrite (measured), and kept the log growing by the megabyte under load.
 * If the thread fails, the caller's `fallback` turns SQLite's own checkpoints
 * back on.
 */
export function startWalCheckpointer(options: { file: string; intervalMs: number; fallback: (error: string) => void }) {
  const shared = new SharedArrayBuffer(8);
  const signal = new Int32Array(shared);
  const worker = new Worker(threadCode, {
    eval: true,
    workerData: {
      file: options.file,
      intervalMs: options.intervalMs,
      signal: shared,
      sqliteModule: createRequire(import.meta.url).resolve("better-sqlite3"),
    },
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
      Atomics.store(signal, 1, 1);
      Atomics.add(signal, 0, 1);
      Atomics.notify(signal, 0);
      await stopped;
    },
    /** Wakes the thread to checkpoint a commit now. About a microsecond: no message, a shared counter. */
    committed() {
      Atomics.add(signal, 0, 1);
      Atomics.notify(signal, 0);
    },
  };
}
