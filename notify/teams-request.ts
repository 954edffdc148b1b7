import type { ResolvedChannel } from "../config/resolve-channels.ts";
import { cutText, judgeStatus, safeLink } from "./judge-response.ts";
import type { NotifyMessage, PlatformRequest } from "./notify-types.ts";

// A Teams message is at most about 28 KB; the card's text stays well inside it.
const textLimit = 20_000;

/**
 * Teams pings only for an `<at>name</at>` that the card's msteams.entities also names; the card
 * never carries entities, and the tags are removed so the name reads as plain text.
 */
export function defuseTeams(text: string): string {
  return text.replace(/<\s*\/?\s*at\b[^>]*>/gi, "");
}

/** The Adaptive Card message a Workflows webhook ("post to a channel when a webhook request is received") takes. */
export function teamsCard(message: NotifyMessage) {
  const link = safeLink(message.link);
  const body = [
    { type: "TextBlock", text: defuseTeams(message.title), weight: "Bolder", size: "Medium", wrap: true },
    { type: "TextBlock", text: cutText(defuseTeams(message.text), textLimit), wrap: true },
  ];
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body,
    ...(link ? { actions: [{ type: "Action.OpenUrl", title: "Open on GitHub", url: link }] } : {}),
  };
  return {
    type: "message",
    attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }],
  };
}

export function teamsRequest(channel: Extract<ResolvedChannel, { kind: "teams" }>, message: NotifyMessage) {
  const request: PlatformRequest = { url: channel.url, headers: {}, body: teamsCard(message), judge: judgeStatus };
  return request;
}
