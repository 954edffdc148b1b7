import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack refuses to let a signed request count for more than this (their replay window). */
export const slackMaxSkewMs = 5 * 60 * 1000;

const signatureShape = /^v0=[0-9a-f]{64}$/;

/**
 * Slack's request signing: `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256 of
 * `v0:<X-Slack-Request-Timestamp>:<raw body>` with the app's signing secret. The answer is the
 * reason a request is refused, or null when it is Slack's and recent.
 */
export function slackSignatureProblem(
  secret: string,
  request: { timestamp: string | undefined; signature: string | undefined; body: Buffer },
  now: number,
): string | null {
  const { timestamp, signature, body } = request;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return "X-Slack-Request-Timestamp is missing or not a number";
  if (Math.abs(now - Number(timestamp) * 1000) > slackMaxSkewMs)
    return "X-Slack-Request-Timestamp is more than 5 minutes off (a replay, or a clock that is wrong)";
  if (!signature || !signatureShape.test(signature)) return "X-Slack-Signature is missing or not v0=<hex>";
  const expected = createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest();
  const given = Buffer.from(signature.slice(3), "hex");
  return timingSafeEqual(expected, given) ? null : "X-Slack-Signature does not match the body";
}
