import { createHash, randomUUID } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { HttpError } from "../../lib/http-error.ts";
import type { Coordination } from "../../store/coordination.ts";
import type { WorkflowDispatchSettings } from "./workflow-dispatch-settings.ts";

/** A manual workflow run exactly as it would be sent to GitHub. */
export interface DispatchRequest {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
}

/** Who asked: a token confirms for the chat (and user) it was issued in, nobody else. */
export interface Confirmer {
  chatId: string;
  userName: string | null;
}

const audience = "dispatch_workflow";
const defaultTtlMs = 5 * 60_000;

// Binds a token to these arguments exactly; owner and repository names are case-insensitive on GitHub.
function fingerprint(request: DispatchRequest): string {
  const inputs = Object.entries(request.inputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const args = [request.owner.toLowerCase(), request.repo.toLowerCase(), request.workflow, request.ref, inputs];
  return createHash("sha256").update(JSON.stringify(args)).digest("base64url");
}

/** A short-lived token that lets this person, in this chat, run exactly this request once. */
export async function issueConfirmation(
  settings: WorkflowDispatchSettings,
  request: DispatchRequest,
  person: Confirmer,
): Promise<{ token: string; expiresAt: string }> {
  const now = settings.now?.() ?? Date.now();
  const expiresAt = Math.floor((now + (settings.confirmationTtlMs ?? defaultTtlMs)) / 1000);
  const token = await new SignJWT({ args: fingerprint(request), usr: person.userName })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(audience)
    .setSubject(person.chatId)
    .setJti(randomUUID())
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(expiresAt)
    .sign(settings.confirmationKey);
  return { token, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

const askAgain =
  "Call dispatch_workflow again without confirmation_token to get a new one, show the user what would run, and use it only after they confirm.";

/**
 * Accepts the token only for the same person, chat and arguments, before it expires, and once:
 * the store's lock on its id is taken by the first use, on every replica.
 */
export async function redeemConfirmation(
  settings: WorkflowDispatchSettings,
  coordination: Coordination,
  token: string,
  request: DispatchRequest,
  person: Confirmer,
): Promise<void> {
  const now = settings.now?.() ?? Date.now();
  let claims: { sub?: string; usr?: unknown; args?: unknown; jti?: string; exp?: number };
  try {
    ({ payload: claims } = await jwtVerify(token, settings.confirmationKey, {
      algorithms: ["HS256"],
      audience,
      currentDate: new Date(now),
      requiredClaims: ["jti", "exp", "sub"],
    }));
  } catch (error) {
    const reason = error instanceof errors.JWTExpired ? "has expired" : "is not valid";
    throw new HttpError(403, `The confirmation token ${reason}. ${askAgain}`);
  }
  if (claims.sub !== person.chatId || claims.usr !== person.userName)
    throw new HttpError(403, `The confirmation token was issued to someone else or in another chat. ${askAgain}`);
  if (claims.args !== fingerprint(request))
    throw new HttpError(
      403,
      `The confirmation token was issued for another workflow, ref or inputs; it confirms only what was shown. ${askAgain}`,
    );
  // Held past the expiry, so the token cannot be used again while it would still verify; a fresh
  // owner each time, because the lock lets its own holder take it again.
  const holdMs = claims.exp! * 1000 - now + 60_000;
  if (!(await coordination.tryLock(`dispatch-confirmation:${claims.jti}`, randomUUID(), holdMs)))
    throw new HttpError(403, `The confirmation token was already used. ${askAgain}`);
}
