import type { ChatRequest } from "../doors/chat-request.ts";
import { platformNames } from "./chat-prompts.ts";

/** The door's stored request, or null when the payload is gone (retention) or not one. */
export function readChatRequest(payload: string | null): ChatRequest | null {
  if (!payload) return null;
  try {
    const request = JSON.parse(payload) as ChatRequest;
    return ["slack", "discord", "teams"].includes(request.platform) && typeof request.userId === "string"
      ? request
      : null;
  } catch {
    return null;
  }
}

/**
 * Why the answer can no longer be posted, or null: a Slack command's response_url lasts 30 minutes,
 * a Discord interaction's token 15; a mention can be answered in its thread at any time.
 */
export function expiredReason(request: ChatRequest, now: number, when: string): string | null {
  if (request.kind !== "command" || now <= request.expiresAt) return null;
  const what =
    request.platform === "slack"
      ? "the slash command's response_url expired (Slack takes answers for 30 minutes)"
      : "the interaction's token expired (Discord takes follow-ups for 15 minutes)";
  return `${what} ${when}; nothing was posted in ${platformNames[request.platform]}`;
}
