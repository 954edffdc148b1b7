import { createHmac, timingSafeEqual } from "node:crypto";

const shape = /^sha256=[0-9a-fA-F]{64}$/;

/**
 * GitHub's `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the raw
 * body with the webhook's secret. Computed on the bytes as received (no
 * decoding first) and compared in constant time.
 */
export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (header === undefined || !shape.test(header)) return false;
  const given = Buffer.from(header.slice(7), "hex");
  const expected = createHmac("sha256", secret).update(body).digest();
  return timingSafeEqual(given, expected);
}
