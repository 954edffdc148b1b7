import type { Request, Response } from "express";
import type { CallContext, ToolDependencies } from "../tool-definition.ts";
import { createIdentifyCaller, headerValue, type IdentityOptions } from "./identify-caller.ts";
import type { SignedInPerson } from "./oauth/person-auth.ts";
import { chatAsker } from "../policy/chat-asker.ts";
import { recogniseRun } from "./recognise-run.ts";

// Sent by the connection's header templates, and by Open WebUI's own ENABLE_FORWARD_USER_INFO_HEADERS.
export const chatIdHeader = "x-openwebui-chat-id";
/** Sent by the connection's template; counts only with TRUST_OPENWEBUI_USER_HEADERS, and never as identity. */
export const userNameHeader = "x-openwebui-user-name";

/**
 * Works out who a tool call comes from before its tool runs: a person signed in with GitHub (the
 * OAuth connection), else the caller Open WebUI vouches for and the relay run its chat id names.
 * Logs the call by verified user id (never a display name), and a refused run chat id as a warning.
 */
export function createCallContext(identity: IdentityOptions, deps: ToolDependencies) {
  const identifyCaller = createIdentifyCaller(identity);
  const identityOn = Boolean(identity.jwtSecret) || identity.trustUserHeaders;
  return async function callContext(tool: string, req: Request, res: Response): Promise<CallContext> {
    const chatId = headerValue(req.get(chatIdHeader));
    const caller = await identifyCaller((name) => req.get(name));
    const userId = caller.kind === "person" ? caller.person.userId : null;
    const person = res.locals.person as SignedInPerson | undefined;
    const run = person
      ? undefined
      : await recogniseRun(deps.runs, chatId, caller, identityOn).catch((error: unknown) => {
          // Someone sent a run's chat id that is not theirs, or after the run: worth an operator's look.
          deps.logger.warn("tool call refused: not this run's", { tool, chatId, userId });
          throw error;
        });
    // A relay run's calls carry its delivery id, so the delivery's lines read in one search.
    deps.logger.info("tool call", { tool, deliveryId: run?.deliveryId, chatId, userId, login: person?.login });
    // A chat run's calls act for whoever asked on the platform, by the policy, not for one issue.
    if (run?.askedBy) return { chatId, caller, run: undefined, chat: chatAsker(deps.people(), run.askedBy) };
    return { chatId, caller, run, ...(person ? { person } : {}) };
  };
}
