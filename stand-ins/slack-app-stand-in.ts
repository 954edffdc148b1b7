import { createHmac, randomBytes } from "node:crypto";
import type { Answer, Handle } from "./platform-stand-in.ts";
import { startSlackStandIn, type SlackStandIn } from "./slack-stand-in.ts";

export interface SlackAppStandIn extends SlackStandIn {
  /** Slack sending an `app_mention` event to the app's Request URL; resolves with the app's answer. */
  mention(
    eventsUrl: string,
    event: { eventId: string; user: string; text: string; channel: string; ts?: string },
  ): Promise<Response>;
  /** Slack sending a slash command; its response_url (valid 30 minutes, 5 posts) is on this stand-in. */
  command(
    commandsUrl: string,
    command: { triggerId: string; user: string; text: string; channel: string },
  ): Promise<Response>;
  /** The posts made to response_urls, in order. */
  responses: Array<{ path: string; body: unknown }>;
  /** How long the app took to answer each request (Slack gives up after 3 seconds). */
  answerMs: number[];
}

const responseUrlMs = 30 * 60 * 1000;

/**
 * A Slack app: Slack signs what it sends with the app's signing secret (`v0` HMAC over the timestamp
 * and body), and takes answers in threads (chat.postMessage) and through commands' response_urls,
 * refusing an unknown, expired (404 expired_url) or used-up (404 used_url) one as Slack does.
 */
export async function startSlackAppStandIn(options: {
  signingSecret: string;
  token: string;
  channels: string[];
}): Promise<SlackAppStandIn> {
  const issued = new Map<string, { expiresAt: number; uses: number }>();
  const responses: Array<{ path: string; body: unknown }> = [];
  const answerMs: number[] = [];
  const routes = (request: Parameters<Handle>[0]): Answer | undefined => {
    const url = issued.get(request.path);
    if (!request.path.startsWith("/commands/")) return undefined;
    if (!url) return { status: 404, body: "no_service" };
    if (Date.now() > url.expiresAt) return { status: 404, body: "expired_url" };
    if (++url.uses > 5) return { status: 404, body: "used_url" };
    const text = (request.body as { text?: unknown } | null)?.text;
    if (typeof text !== "string" || !text) return { status: 400, body: "no_text" };
    responses.push({ path: request.path, body: request.body });
    return { status: 200, body: "ok" };
  };
  const standIn = await startSlackStandIn({ token: options.token, channels: options.channels, routes });

  async function send(url: string, body: string, type: string): Promise<Response> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac("sha256", options.signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
    const headers = { "content-type": type, "x-slack-request-timestamp": timestamp, "x-slack-signature": signature };
    const started = Date.now();
    const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(3_000) });
    answerMs.push(Date.now() - started);
    return response;
  }

  return {
    ...standIn,
    responses,
    answerMs,
    mention: (url, event) => {
      const ts = event.ts ?? `${Math.floor(Date.now() / 1000)}.000100`;
      const payload = {
        token: "ZZZZZZWSxiZZZ2yIvs3peJ",
        team_id: "T0001",
        api_app_id: "A0001",
        event: { type: "app_mention", user: event.user, text: event.text, ts, channel: event.channel, event_ts: ts },
        type: "event_callback",
        event_id: event.eventId,
        event_time: Math.floor(Date.now() / 1000),
      };
      return send(url, JSON.stringify(payload), "application/json");
    },
    command: (url, command) => {
      const path = `/commands/T0001/${issued.size + 1}/${randomBytes(12).toString("hex")}`;
      issued.set(path, { expiresAt: Date.now() + responseUrlMs, uses: 0 });
      const form = new URLSearchParams({
        team_id: "T0001",
        channel_id: command.channel,
        user_id: command.user,
        command: "/ask",
        text: command.text,
        response_url: `${standIn.url}${path}`,
        trigger_id: command.triggerId,
        api_app_id: "A0001",
      });
      return send(url, form.toString(), "application/x-www-form-urlencoded");
    },
  };
}
