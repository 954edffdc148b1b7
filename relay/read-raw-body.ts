import type { IncomingMessage } from "node:http";
import getRawBody from "raw-body";
import { HttpError } from "../lib/http-error.ts";

/**
 * Reads the exact bytes the signature was made over (raw-body). A body over the limit is refused
 * from its Content-Length before reading, or as soon as it grows past the limit, so an oversized
 * request never sits in memory whole.
 */
export async function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  try {
    return await getRawBody(req, { limit: limitBytes, ...(declared === undefined ? {} : { length: declared }) });
  } catch (error) {
    const type = (error as { type?: unknown }).type;
    if (type === "entity.too.large")
      throw new HttpError(413, `The body is larger than ${limitBytes} bytes.`, { cause: error });
    if (type === "request.size.invalid")
      throw new HttpError(400, "The body is shorter or longer than its Content-Length.", { cause: error });
    // A client that went away mid-body: nothing to store, and nobody to answer.
    if (type === "request.aborted")
      throw new Error("The request was closed before its body was complete.", { cause: error });
    throw error;
  }
}
