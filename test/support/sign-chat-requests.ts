import { createHmac, generateKeyPairSync, sign, type KeyObject } from "node:crypto";

/** Unix seconds, as both platforms send them; `offsetMs` moves the request into the past or future. */
export function unixSeconds(offsetMs = 0): string {
  return String(Math.floor((Date.now() + offsetMs) / 1000));
}

/** The headers Slack sends with a request: its timestamp and `v0=` HMAC-SHA256 over `v0:<ts>:<body>`. */
export function slackHeaders(secret: string, body: string, timestamp = unixSeconds()): Record<string, string> {
  const digest = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "x-slack-request-timestamp": timestamp, "x-slack-signature": `v0=${digest}` };
}

/** A Discord application's key pair: the public key as the developer portal shows it (hex), and the signer. */
export function discordKeys(): { publicKeyHex: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  // The raw key is the last 32 bytes of its SPKI encoding.
  const publicKeyHex = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
  return { publicKeyHex, privateKey };
}

/** The headers Discord sends with an interaction: Ed25519 over the timestamp followed by the body. */
export function discordHeaders(privateKey: KeyObject, body: string, timestamp = unixSeconds()): Record<string, string> {
  const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString("hex");
  return { "x-signature-ed25519": signature, "x-signature-timestamp": timestamp };
}

/** The header a Teams outgoing webhook sends: HMAC-SHA256 of the body keyed with the decoded security token. */
export function teamsHeaders(securityToken: string, body: string): Record<string, string> {
  const digest = createHmac("sha256", Buffer.from(securityToken, "base64")).update(body).digest("base64");
  return { authorization: `HMAC ${digest}` };
}
