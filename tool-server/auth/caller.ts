/** A person Open WebUI vouched for: by a signed JWT, or by plain headers the deployment chose to trust. */
export interface Person {
  /** Open WebUI's user id: the only thing identity is keyed on (logs, budgets, relay runs). */
  userId: string;
  email: string | null;
  /** A display name anyone can choose: for attribution only, never for identity. */
  name: string | null;
  role: string | null;
  via: "jwt" | "headers";
}

/**
 * Who is calling. `anonymous` carries why no identity was taken, so a refused write can tell the model
 * what is wrong (a forged or expired token reads differently from a deployment without identity).
 */
export type Caller =
  | { kind: "person"; person: Person }
  | { kind: "anonymous"; reason: "no-identity" | "missing-token" | "bad-token" | "expired-token" };

export const anonymous = (reason: Extract<Caller, { kind: "anonymous" }>["reason"]): Caller => ({
  kind: "anonymous",
  reason,
});
