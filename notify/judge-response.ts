import type { AttemptResult } from "./notify-types.ts";

/**
 * The answer every platform shares: 2xx is done, 429 and 5xx pass with time, anything else is a
 * mistake on our side (a revoked webhook, a refused payload) that a retry cannot mend.
 */
export function judgeStatus(status: number, text: string, headers: Headers): AttemptResult {
  if (status >= 200 && status < 300) return { ok: true };
  const error = `HTTP ${status}${text.trim() ? `: ${text.trim().slice(0, 200)}` : ""}`;
  if (status === 429) return { ok: false, retry: true, error, retryAfterMs: retryAfterMs(headers) };
  return { ok: false, retry: status >= 500, error };
}

/** Retry-After in seconds (the form Slack, Discord and Microsoft send); dates are not used by them. */
export function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  return Math.ceil(Number(value) * 1000);
}

/** Cuts `text` to `limit` characters, saying so at the end, so a reader knows to follow the link. */
export function cutText(text: string, limit: number, note = "[cut: the rest is on GitHub]"): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, Math.max(0, limit - note.length - 2)).trimEnd()}\n${note}`;
}

/** A link only when it is http(s): anything else would become a clickable `javascript:`. */
export function safeLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    const url = new URL(link);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}
