import type { ResolvedChannel } from "../config/resolve-channels.ts";
import { cutText, judgeStatus, safeLink } from "./judge-response.ts";
import type { AttemptResult, NotifyMessage, PlatformRequest } from "./notify-types.ts";

type SlackChannel = Extract<ResolvedChannel, { kind: "slack-webhook" | "slack-bot" }>;

// Slack's limit for a message's text is 40,000 characters; this leaves room for the title line.
const textLimit = 39_000;

/**
 * Slack reads `<...>` as a control sequence (`<!channel>`, `<!here>`, `<@U123>`, `<!subteam^S1>`):
 * escaping &, < and > as Slack's formatting rules ask turns every such ping into plain text.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function slackText(message: NotifyMessage): string {
  const link = safeLink(message.link);
  const title = escapeSlack(message.title).replace(/\|/g, "¦");
  const heading = link ? `*<${escapeSlack(link)}|${title}>*` : `*${title}*`;
  return cutText(`${heading}\n${escapeSlack(message.text)}`, textLimit);
}

export function slackRequest(channel: SlackChannel, message: NotifyMessage): PlatformRequest {
  const text = slackText(message);
  if (channel.kind === "slack-webhook")
    // An incoming webhook answers "ok" in plain text, or a status and an error word.
    return { url: channel.url, headers: {}, body: { text }, judge: judgeStatus };
  return {
    url: `${channel.apiUrl}/chat.postMessage`,
    headers: { authorization: `Bearer ${channel.token}` },
    body: { channel: channel.channel, text, unfurl_links: false, unfurl_media: false },
    judge: judgeWebApi,
  };
}

/** The Web API answers 200 with `ok: false` and an error word for most failures. */
export function judgeWebApi(status: number, text: string, headers: Headers): AttemptResult {
  const judged = judgeStatus(status, text, headers);
  if (!judged.ok) return judged;
  let answer: { ok?: unknown; error?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    return { ok: false, retry: true, error: "Slack answered 200 with something that is not JSON" };
  }
  if (answer.ok === true) return { ok: true };
  const word = typeof answer.error === "string" ? answer.error : "no error given";
  // These pass with time; the rest (invalid_auth, channel_not_found, not_in_channel...) need a person.
  const passing = ["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"];
  return { ok: false, retry: passing.includes(word), error: `Slack refused the message: ${word}` };
}
