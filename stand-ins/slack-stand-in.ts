import { sentJson, startPlatformStandIn, type Answer, type Handle, type PlatformStandIn } from "./platform-stand-in.ts";

export interface SlackStandIn extends PlatformStandIn {
  /** The incoming webhook's full URL (its path is the secret). */
  webhookUrl: string;
  /** What SLACK_API_URL is set to: chat.postMessage lives under it. */
  apiUrl: string;
}

/**
 * Slack's incoming webhooks and chat.postMessage, refusing as Slack does: a webhook answers "ok" or a
 * status with an error word (400 invalid_payload, 404 no_service); the Web API answers 200 with
 * `{ok: false, error}` (not_authed, invalid_auth, channel_not_found, no_text).
 */
export async function startSlackStandIn(options: {
  token: string;
  channels: string[];
  /** More of Slack (a slash command's response_url: slack-app-stand-in.ts); undefined: not theirs. */
  routes?: (request: Parameters<Handle>[0]) => Answer | undefined;
}): Promise<SlackStandIn> {
  const webhookPath = "/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX";
  const problems: string[] = [];
  const handle: Handle = (request) => {
    const { path, headers, body } = request;
    const routed = options.routes?.(request);
    if (routed) return routed;
    if (path === webhookPath) return webhook(headers, body);
    if (path === "/api/chat.postMessage") return postMessage(headers, body, options);
    return { status: 404, body: "no_service" };
  };
  const standIn = await startPlatformStandIn("Slack", handle, problems);
  return { ...standIn, webhookUrl: `${standIn.url}${webhookPath}`, apiUrl: `${standIn.url}/api` };
}

function hasText(body: unknown): body is { text?: unknown; blocks?: unknown } {
  const message = body as { text?: unknown; blocks?: unknown } | null;
  return (
    typeof message === "object" &&
    message !== null &&
    ((typeof message.text === "string" && message.text.length > 0) || Array.isArray(message.blocks))
  );
}

function webhook(headers: Parameters<Handle>[0]["headers"], body: unknown): Answer {
  if (!sentJson(headers) || !hasText(body)) return { status: 400, body: "invalid_payload" };
  return { status: 200, body: "ok" };
}

function postMessage(
  headers: Parameters<Handle>[0]["headers"],
  body: unknown,
  options: { token: string; channels: string[] },
): Answer {
  const refuse = (error: string): Answer => ({ status: 200, body: { ok: false, error } });
  const auth = headers.authorization;
  if (!auth) return refuse("not_authed");
  if (auth !== `Bearer ${options.token}`) return refuse("invalid_auth");
  if (!sentJson(headers)) return refuse("invalid_arguments");
  const channel = (body as { channel?: unknown } | null)?.channel;
  if (typeof channel !== "string" || !options.channels.includes(channel)) return refuse("channel_not_found");
  if (!hasText(body)) return refuse("no_text");
  const thread = (body as { thread_ts?: unknown }).thread_ts;
  if (thread !== undefined && (typeof thread !== "string" || !/^\d+\.\d+$/.test(thread)))
    return refuse("invalid_thread_ts");
  return { status: 200, body: { ok: true, channel, ts: `${Date.now() / 1000}`, message: { text: body.text } } };
}
