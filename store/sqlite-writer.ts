// The SQLite store's writer thread: stores the deliveries GitHub is answered on, off the thread
// that answers. Its own connection commits with synchronous=FULL and checkpoints the log itself.
import Database from "better-sqlite3";
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { createDeliveryInserter, type DeliveryRow } from "./insert-deliveries.ts";

/** One turn of the store's event loop; null when the store closes, after everything sent is answered. */
export type WriterRequest = DeliveryRow[];

const port = parentPort!;
const db = new Database((workerData as { path: string }).path);
db.pragma("busy_timeout = 5000");
db.pragma("synchronous = FULL");
const insert = createDeliveryInserter(db);
port.on("message", (first: WriterRequest | null) => {
  if (first === null) {
    db.close();
    port.close();
    return;
  }
  // Everything sent while the last transaction was committing goes into this one.
  const rows = [...first];
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) rows.push(...(next.message as WriterRequest));
  port.postMessage(insert(rows));
});
