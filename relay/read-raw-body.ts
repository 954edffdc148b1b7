import type { IncomingMessage } from "node:http";
import { HttpError } from "../lib/http-error.ts";

/**
 * Reads the exact bytes the signature was made over. A body over the limit is
 * refused from its Content-Length before reading, or as soon as it grows past
 * the limit, so an oversized request never sits in memory whole. Plain stream
 * events, not `for await`: the async iterator costs a promise per chunk on
 * the path that answers GitHub.
 */
export function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(new HttpError(413, `The body is larger than ${limitBytes} bytes.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        stop();
        // The rest is discarded as it arrives; the 413 closes the connection.
        req.resume();
        reject(new HttpError(413, `The body is larger than ${limitBytes} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      // Most bodies arrive in one chunk: no copy then.
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // A client that goes away mid-body: nothing to store, and nobody to answer.
    const onClose = () => onError(new Error("The request was closed before its body was complete."));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}
