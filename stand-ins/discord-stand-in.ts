import { sentJson, startPlatformStandIn, type Answer, type Handle, type PlatformStandIn } from "./platform-stand-in.ts";

export interface DiscordStandIn extends PlatformStandIn {
  /** `<url>/api/webhooks/<id>/<token>`, as Discord shows it when the webhook is made. */
  webhookUrl: string;
}

/**
 * Discord's execute-webhook endpoint, refusing as Discord does: unknown webhook 404 (10015), wrong
 * token 401 (50027), empty message 400 (50006), content over 2,000 characters 400 (50035). A message
 * without `allowed_mentions` is taken, as Discord takes it, but noted in `problems`: it would ping.
 */
export async function startDiscordStandIn(
  options: {
    /** An application's interaction tokens (discord-app-stand-in.ts): whether `token` is one, and still valid. */
    interactionToken?: (applicationId: string, token: string) => "valid" | "expired" | "unknown";
  } = {},
): Promise<DiscordStandIn> {
  const id = "1234567890123456789";
  const token = "discord-webhook-token-abcdefghijklmnopqrstuvwxyz0123";
  const problems: string[] = [];
  const handle: Handle = ({ path, headers, body }) => {
    const match = /^\/api\/webhooks\/(\d+)\/([^/?]+)(\?.*)?$/.exec(path);
    const follow = match && options.interactionToken?.(match[1]!, decodeURIComponent(match[2]!));
    if (follow === "valid") return execute(headers, body, problems);
    if (follow === "expired") return { status: 401, body: { message: "Invalid Webhook Token", code: 50027 } };
    if (!match || match[1] !== id) return { status: 404, body: { message: "Unknown Webhook", code: 10015 } };
    if (match[2] !== token) return { status: 401, body: { message: "Invalid Webhook Token", code: 50027 } };
    return execute(headers, body, problems);
  };
  const standIn = await startPlatformStandIn("Discord", handle, problems);
  return { ...standIn, webhookUrl: `${standIn.url}/api/webhooks/${id}/${token}` };
}

function execute(headers: Parameters<Handle>[0]["headers"], body: unknown, problems: string[]): Answer {
  const message = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (!sentJson(headers) || typeof body !== "object")
    return { status: 400, body: { message: "Cannot send an empty message", code: 50006 } };
  const content = message.content;
  if (typeof content !== "string" || content.length === 0)
    return { status: 400, body: { message: "Cannot send an empty message", code: 50006 } };
  if (content.length > 2000)
    return {
      status: 400,
      body: {
        message: "Invalid Form Body",
        code: 50035,
        errors: {
          content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 2000 or fewer in length." }] },
        },
      },
    };
  const parse = (message.allowed_mentions as { parse?: unknown } | undefined)?.parse;
  if (!Array.isArray(parse) || parse.length > 0) problems.push("a message without allowed_mentions {parse: []}");
  // Without ?wait=true Discord answers 204 and no body.
  return { status: 204 };
}
