import { createPublicKey, verify, type KeyObject } from "node:crypto";

// An Ed25519 SubjectPublicKeyInfo is this fixed header followed by the 32 key bytes (RFC 8410).
const spkiPrefix = Buffer.from("302a300506032b6570032100", "hex");

/** The public key Discord shows on the application's page (64 hex characters), as node's crypto takes it. */
export function discordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error("a Discord public key is 64 hex characters");
  return createPublicKey({ key: Buffer.concat([spkiPrefix, Buffer.from(hex, "hex")]), format: "der", type: "spki" });
}

/** Discord's interactions are signed like Slack's requests, so the same replay window holds. */
export const discordMaxSkewMs = 5 * 60 * 1000;

/**
 * `X-Signature-Ed25519` is the hex Ed25519 signature of `X-Signature-Timestamp` followed by the raw
 * body. The answer is the reason a request is refused, or null when it is Discord's and recent.
 */
export function discordSignatureProblem(
  key: KeyObject,
  request: { timestamp: string | undefined; signature: string | undefined; body: Buffer },
  now: number,
): string | null {
  const { timestamp, signature, body } = request;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return "X-Signature-Timestamp is missing or not a number";
  if (!signature || !/^[0-9a-f]{128}$/i.test(signature)) return "X-Signature-Ed25519 is missing or not 64 hex bytes";
  const signed = Buffer.concat([Buffer.from(timestamp, "utf8"), body]);
  if (!verify(null, signed, key, Buffer.from(signature, "hex"))) return "X-Signature-Ed25519 does not match the body";
  if (Math.abs(now - Number(timestamp) * 1000) > discordMaxSkewMs)
    return "X-Signature-Timestamp is more than 5 minutes off (a replay, or a clock that is wrong)";
  return null;
}
