import { createHmac } from "node:crypto";
import type { CookieOptions, Request } from "express";
import { constantTimeEqual } from "../lib/constant-time-equal.ts";
import type { Coordination } from "../store/coordination.ts";

export interface AdminSession {
  /** A cookie value good until `lifetimeMs` from now, or until any session signs out. */
  issue(): Promise<string>;
  verify(value: string | undefined): Promise<boolean>;
  /** Ends every session of the page (a valid `value` is required, so no stranger can sign admins out). */
  end(value: string | undefined): Promise<boolean>;
  /** The form token that must come back with every POST made from a page of this session. */
  csrfFor(session: string): string;
}

export const sessionCookieName = "owg_admin";
const epochName = "admin-session";

/**
 * The session cookie's attributes: the deliveries page only, out of scripts' reach, never sent
 * cross-site, and Secure when the browser came over https (directly or through a TLS-terminating proxy).
 */
export function sessionCookieOptions(req: Request): CookieOptions {
  const https = req.protocol === "https" || req.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
  return { path: "/deliveries", httpOnly: true, sameSite: "strict", secure: https };
}

/**
 * Sessions of the deliveries page, signed with RELAY_ADMIN_TOKEN itself, and carrying the store's
 * session epoch: they survive a restart, changing the token ends every session, and so does signing
 * out, on every replica, since it advances the epoch (a copied cookie is then worth nothing).
 */
export function createAdminSession(
  token: string,
  options: { lifetimeMs: number; epochs: Pick<Coordination, "readEpoch" | "advanceEpoch">; now?: () => number },
): AdminSession {
  const now = options.now ?? Date.now;
  const { epochs } = options;
  const mac = (purpose: string, value: string) =>
    createHmac("sha256", token).update(`openwebui-github ${purpose}\n${value}`).digest("base64url");
  async function verify(value: string | undefined) {
    const match = /^(\d{1,15})\.(\d{1,15})\.([\w-]{43})$/.exec(value ?? "");
    if (!match || Number(match[1]) <= now()) return false;
    if (!constantTimeEqual(match[3]!, mac("session", `${match[1]}.${match[2]}`))) return false;
    return Number(match[2]) === (await epochs.readEpoch(epochName));
  }
  return {
    async issue() {
      const signed = `${now() + options.lifetimeMs}.${await epochs.readEpoch(epochName)}`;
      return `${signed}.${mac("session", signed)}`;
    },
    verify,
    async end(value) {
      if (!(await verify(value))) return false;
      await epochs.advanceEpoch(epochName);
      return true;
    },
    csrfFor(session) {
      return mac("csrf", session);
    },
  };
}
