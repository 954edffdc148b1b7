import { createHmac } from "node:crypto";
import type { CookieOptions, Request } from "express";
import { constantTimeEqual } from "../lib/constant-time-equal.ts";

export interface AdminSession {
  /** A cookie value good until `lifetimeMs` from now. */
  issue(): string;
  verify(value: string | undefined): boolean;
  /** The form token that must come back with every POST made from a page of this session. */
  csrfFor(session: string): string;
}

export const sessionCookieName = "owg_admin";

/**
 * The session cookie's attributes: the deliveries page only, out of scripts' reach, never sent
 * cross-site, and Secure when the browser came over https (directly or through a TLS-terminating proxy).
 */
export function sessionCookieOptions(req: Request): CookieOptions {
  const https = req.protocol === "https" || req.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
  return { path: "/deliveries", httpOnly: true, sameSite: "strict", secure: https };
}

/**
 * Sessions of the deliveries page, signed with RELAY_ADMIN_TOKEN itself: nothing to store, they
 * survive a restart, and changing the token ends every session at once.
 */
export function createAdminSession(token: string, options: { lifetimeMs: number; now?: () => number }): AdminSession {
  const now = options.now ?? Date.now;
  const mac = (purpose: string, value: string) =>
    createHmac("sha256", token).update(`openwebui-github ${purpose}\n${value}`).digest("base64url");
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
