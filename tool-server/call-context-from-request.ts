import type { Request, Response } from "express";
import type { SignedInPerson } from "./auth/oauth/person-auth.ts";
import type { RunStore } from "../store/run-store.ts";
import type { CallContext } from "./tool-definition.ts";

// Header names used by the connection's header templates, and by Open WebUI's
// own ENABLE_FORWARD_USER_INFO_HEADERS, so either way of sending them works.
export const chatIdHeader = "x-openwebui-chat-id";
export const userNameHeader = "x-openwebui-user-name";

function headerValue(value: string | undefined): string | null {
  // An unexpanded template ("{{CHAT_ID}}") means the connection is set up for an older Open WebUI: treat it as absent.
  const trimmed = value?.trim();
  if (!trimmed || trimmed.startsWith("{{")) return null;
  // Open WebUI percent-encodes non-ASCII characters in templated header values (user names).
  try {
    return decodeURIComponent(trimmed);
  } catch {
    return trimmed;
  }
}

/**
 * Who is calling, from the headers Open WebUI sends with every tool call (OpenAPI and MCP alike).
 * A relay run's calls carry its chat id; the run recorded for it scopes what the call may touch.
 */
export async function callContextFromRequest(req: Request, res: Response, runs: RunStore): Promise<CallContext> {
  const chatId = headerValue(req.get(chatIdHeader));
  // Put there by the bearer check when the caller signed in with GitHub (the OAuth connection): never a run.
  const person = res.locals.person as SignedInPerson | undefined;
  return {
    chatId,
    userName: headerValue(req.get(userNameHeader)),
    run: chatId && !person ? await runs.get(chatId) : undefined,
    ...(person ? { person } : {}),
  };
}
