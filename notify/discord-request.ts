import type { ResolvedChannel } from "../config/resolve-channels.ts";
import { cutText, judgeStatus, safeLink } from "./judge-response.ts";
import type { AttemptResult, NotifyMessage, PlatformRequest } from "./notify-types.ts";

// Discord refuses content over 2,000 characters (400, Invalid Form Body).
export const discordLimit = 2000;

/**
 * `allowed_mentions: {parse: []}` already stops every ping; the text is defused as well, so a message
 * copied or re-posted elsewhere pings nobody either: a zero-width space after @ breaks `@everyone`,
 * `@here`, `<@123>`, `<@!123>` and `<@&123>` (role) as mentions while reading the same.
 */
export function defuseDiscord(text: string): string {
  return text.replace(/@(everyone|here)\b/gi, "@\u200b$1").replace(/<@([!&]?\d)/g, "<@\u200b$1");
}

export function discordContent(message: NotifyMessage): string {
  const link = safeLink(message.link);
  // <url> keeps Discord from unfurling the link into a large preview.
  const heading = `**${defuseDiscord(message.title)}**${link ? `\n<${link}>` : ""}`;
  return cutText(`${heading}\n${defuseDiscord(message.text)}`, discordLimit);
}

export function discordRequest(channel: Extract<ResolvedChannel, { kind: "discord" }>, message: NotifyMessage) {
  const request: PlatformRequest = {
    url: channel.url,
    headers: {},
    body: { content: discordContent(message), allowed_mentions: { parse: [] } },
    judge: judgeDiscord,
  };
  return request;
}

/** Discord's 429 says how long to wait in its body (seconds, with a fraction) as well as in Retry-After. */
function judgeDiscord(status: number, text: string, headers: Headers): AttemptResult {
  const judged = judgeStatus(status, text, headers);
  if (judged.ok || status !== 429) return judged;
  try {
    const seconds = (JSON.parse(text) as { retry_after?: unknown }).retry_after;
    if (typeof seconds === "number" && seconds >= 0) return { ...judged, retryAfterMs: Math.ceil(seconds * 1000) };
  } catch {
    // No JSON body: the header (if any) stands.
  }
  return judged;
}
