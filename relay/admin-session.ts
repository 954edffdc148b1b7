import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../lib/constant-time-equal.ts";

export interface AdminSession {
  /** A cookie value good until `lifetimeMs` from now. */
  issue(): string;
  verify(value: string | undefined): boolean;
  /** The form token that must come back with every POST made from a page of this session. */
  csrfFor(session: string): string;
}

/**
 * Sessions of the deliveries page, signed with RELAY_ADMIN_TOKEN itself: nothing to store, they
 * survive a restart, and changing the token ends every session at once.
 */
export function createAdminSession(token: string, options: { lifetimeMs: number; now?: () => number }): AdminSession {
  const now = options.now ?? Date.now;
  const mac = (purpose: string, value: string) => createHmac("sha256", token).update(`openwebui-github ${purpose}\n${value}`).digest("base64url");
  return {
    issue() {
      const expires = String(now() + options.lifetimeMs);
      return `${expires}.${mac("session", expires)}`;
    },
    verify(value) {
      const match = /^(\d{1,15})\.([\w-]{43})$/.exec(value ?? "");
      if (!match || Number(match[1]) <= now()) return false;
      return constantTimeEqual(match[2]!, mac("session", match[1]!));
    },
    csrfFor(session) {
      return mac("csrf", session);
    },
  };
}
