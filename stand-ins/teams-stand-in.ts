import { sentJson, startPlatformStandIn, type Answer, type Handle, type PlatformStandIn } from "./platform-stand-in.ts";

export interface TeamsStandIn extends PlatformStandIn {
  /** A Workflows webhook URL ("When a Teams webhook request is received"), its signature in the query. */
  webhookUrl: string;
}

/**
 * A Teams Workflows webhook that posts an Adaptive Card to a channel: it takes a message whose
 * attachments are Adaptive Cards (202 Accepted) and refuses anything else with 400, as the flow's
 * "post card" step fails on it. A wrong signature gets 401; `<at>` mentions are noted in `problems`.
 */
export async function startTeamsStandIn(): Promise<TeamsStandIn> {
  const path = "/workflows/0a1b2c3d/triggers/manual/paths/invoke";
  const sig = "sig=teams-workflow-signature-0123456789abcdef";
  const problems: string[] = [];
  const handle: Handle = ({ path: requested, headers, body }) => {
    const [where, query = ""] = requested.split("?");
    if (where !== path) return { status: 404, body: { error: { code: "TriggerNotFound" } } };
    if (!new URLSearchParams(query).has("sig") || !query.includes(sig))
      return { status: 401, body: { error: { code: "DirectApiAuthorizationRequired" } } };
    return take(headers, body, problems);
  };
  const standIn = await startPlatformStandIn("Teams", handle, problems);
  return { ...standIn, webhookUrl: `${standIn.url}${path}?api-version=2016-06-01&${sig}` };
}

function take(headers: Parameters<Handle>[0]["headers"], body: unknown, problems: string[]): Answer {
  const problem = cardProblem(body);
  if (!sentJson(headers) || problem)
    return { status: 400, body: { error: { code: "InvalidTemplate", message: problem } } };
  if (JSON.stringify(body).includes("<at>")) problems.push("an <at> mention in a card");
  return { status: 202, body: "" };
}

/** Why `body` is not an Adaptive Card message, or null. */
export function cardProblem(body: unknown): string | null {
  const message = body as { type?: unknown; attachments?: unknown } | null;
  if (typeof message !== "object" || message === null || message.type !== "message") return 'type must be "message"';
  if (!Array.isArray(message.attachments) || message.attachments.length === 0) return "attachments must be a list";
  for (const attachment of message.attachments as Array<Record<string, unknown> | null>) {
    if (attachment?.contentType !== "application/vnd.microsoft.card.adaptive")
      return "an attachment's contentType must be application/vnd.microsoft.card.adaptive";
    const card = attachment.content as { type?: unknown; version?: unknown; body?: unknown } | undefined;
    if (card?.type !== "AdaptiveCard" || typeof card.version !== "string" || !Array.isArray(card.body))
      return "an attachment's content must be an AdaptiveCard with a version and a body";
    if ((card.body as Array<{ type?: unknown }>).some((element) => typeof element?.type !== "string"))
      return "every element of the card's body needs a type";
  }
  return null;
}
