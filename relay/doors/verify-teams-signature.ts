import { createHmac, timingSafeEqual } from "node:crypto";

/** Teams signs no timestamp header; the activity's own `timestamp`, inside the signed body, bounds a replay. */
export const teamsMaxSkewMs = 5 * 60 * 1000;

const headerShape = /^HMAC ([A-Za-z0-9+/]{43}=)$/;

/**
 * An outgoing webhook's request: `Authorization: HMAC <base64 HMAC-SHA256 of the raw body>`, keyed
 * with the base64-decoded security token Teams showed when the webhook was made. The answer is the
 * reason a request is refused, or null when it is Teams' and recent.
 */
export function teamsSignatureProblem(
  securityToken: string,
  request: { authorization: string | undefined; body: Buffer },
  now: number,
): string | null {
  const match = headerShape.exec(request.authorization?.trim() ?? "");
  if (!match) return "Authorization is missing or not HMAC <base64>";
  const expected = createHmac("sha256", Buffer.from(securityToken, "base64")).update(request.body).digest();
  if (!timingSafeEqual(expected, Buffer.from(match[1]!, "base64"))) return "the HMAC does not match the body";
  return staleness(request.body, now);
}

function staleness(body: Buffer, now: number): string | null {
  let sent: number;
  try {
    sent = Date.parse(String((JSON.parse(body.toString("utf8")) as { timestamp?: unknown }).timestamp));
  } catch {
    return "the body is not JSON";
  }
  if (Number.isNaN(sent)) return "the activity has no timestamp";
  if (Math.abs(now - sent) > teamsMaxSkewMs)
    return "the activity's timestamp is more than 5 minutes off (a replay, or a clock that is wrong)";
  return null;
}
