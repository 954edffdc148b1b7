import { HttpError } from "../../lib/http-error.ts";
import type { Caller } from "../auth/caller.ts";
import type { ChatAsker } from "./chat-asker.ts";

const doing = { read: "read", write: "write to" } as const;

/** Why an anonymous caller may not do this, in words the model can pass on to the person. */
function anonymousReason(reason: Extract<Caller, { kind: "anonymous" }>["reason"]): string {
  switch (reason) {
    case "bad-token":
      return "The signed user token Open WebUI sent is not valid for this tool server (FORWARD_USER_INFO_HEADER_JWT_SECRET in Open WebUI must equal OPENWEBUI_USER_JWT_SECRET here).";
    case "expired-token":
      return "The signed user token Open WebUI sent has expired; the user can send the message again.";
    case "missing-token":
      return "Open WebUI did not say who is asking (it sends a signed user token when ENABLE_FORWARD_USER_INFO_HEADERS and FORWARD_USER_INFO_HEADER_JWT_SECRET are set), so only reading is possible.";
    case "no-identity":
      return "This tool server does not know who is asking (the deployment has not switched on verified identity), so only reading is possible.";
  }
}

/** Refuses a caller the policy does not let do `need` on a repository. Never names other repositories. */
export function refuse(caller: Caller, need: "read" | "write", owner: string, repo: string): HttpError {
  const what = `${doing[need]} ${owner}/${repo}`;
  if (caller.kind === "anonymous") {
    return new HttpError(403, `Not allowed to ${what}. ${anonymousReason(caller.reason)} Tell the user; do not retry.`);
  }
  return new HttpError(
    403,
    `The user may not ${what} through this tool server. Tell them they have no ${need} access to it here and that an administrator grants access in the people section of the deployment's config; do not retry.`,
  );
}

/** Outside GITHUB_REPOS: said without listing what is inside it, private names included (issue 12). */
export function outsideAllowList(owner: string, repo: string): HttpError {
  return new HttpError(
    403,
    `Repository ${owner}/${repo} is not one this tool server may use. Do not retry with this repository; tell the user an administrator must add it to GITHUB_REPOS.`,
  );
}

const platformNames = { slack: "Slack", discord: "Discord", teams: "Microsoft Teams" } as const;

/** A chat run's refusal: it never writes, and reads only what the asker's grants (or the default) give. */
export function refuseChat(asker: ChatAsker, need: "read" | "write", owner: string, repo: string): HttpError {
  const where = platformNames[asker.platform];
  if (need === "write")
    return new HttpError(
      403,
      `Questions asked in ${where} can only read; nothing may be changed on GitHub from there. Answer from what you read, and tell the person to use Open WebUI to make changes. Do not retry.`,
    );
  return new HttpError(
    403,
    `The person asking in ${where} may not read ${owner}/${repo}. Tell them they have no read access to it here (an administrator maps chat users in the people section of the deployment's config); do not retry and do not guess its content.`,
  );
}
