import type { IncomingMessage } from "node:http";
import { HttpError } from "../lib/http-error.ts";

/**
 * Reads the exact bytes the signature was made over. A body over the limit is
 * refused from its Content-Length before reading, or as soon as it grows past
 * the limit, so an oversized request never sits in memory whole.
 */
export async function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    throw new HttpError(413, `The body is larger than ${limitBytes} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      throw new HttpError(413, `The body is larger than ${limitBytes} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}
