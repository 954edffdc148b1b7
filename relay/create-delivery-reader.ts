import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "../lib/http-error.ts";
import type { Logger } from "../lib/logger.ts";
import { createBodyBudget } from "./body-budget.ts";
import { readDeliveryHeaders, readGitHubDelivery, type GitHubDelivery } from "./read-github-delivery.ts";
import { createSignatureVerifier } from "./verify-signature.ts";

/** How long a client refused for lack of room is asked to wait. */
const retryAfterSeconds = 5;

/**
 * Reads webhook deliveries under one budget of bytes in flight: the headers are checked first, and
 * a body is read only when it fits; a chunked one is counted at the most it may grow to.
 */
export function createDeliveryReader(options: {
  secret: string;
  maxBodyBytes: number;
  maxBytesInFlight: number;
  formEncoded: boolean;
  logger: Logger;
}): (req: IncomingMessage, res: ServerResponse) => Promise<GitHubDelivery> {
  const { maxBodyBytes, formEncoded, logger } = options;
  const verifySignature = createSignatureVerifier(options.secret);
  const budget = createBodyBudget(options.maxBytesInFlight);
  return async function readDelivery(req, res) {
    const headers = readDeliveryHeaders(req, { maxBodyBytes, formEncoded, logger });
    const reserved = headers.length ?? maxBodyBytes;
    if (!budget.take(reserved)) {
      res.setHeader("retry-after", String(retryAfterSeconds));
      throw new HttpError(503, "The relay is reading as many webhook bodies as it may at once. Retry shortly.");
    }
    try {
      return await readGitHubDelivery(req, headers, { verifySignature, maxBodyBytes, logger });
    } finally {
      budget.release(reserved);
    }
  };
}
