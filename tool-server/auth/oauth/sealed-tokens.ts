import { hkdfSync } from "node:crypto";
import { EncryptJWT, jwtDecrypt, type JWTPayload } from "jose";

/** What each sealed string is; a string sealed as one kind never opens as another. */
export type SealedKind = "client" | "pending" | "code" | "access" | "refresh";

export interface SealedTokens {
  /** Encrypts `claims` (A256GCM) with an expiry `ttlS` seconds from now (none when ttlS is null). */
  seal(kind: SealedKind, claims: Record<string, unknown>, ttlS: number | null): Promise<string>;
  /** The claims, or null when the string is not ours, of another kind, tampered with or expired. */
  open(kind: SealedKind, sealed: string): Promise<(JWTPayload & Record<string, unknown>) | null>;
}

/**
 * Our clients, codes and tokens as encrypted JWTs: they survive a restart and work on every replica
 * without a table, and what they carry (the person's GitHub token) is readable by us alone.
 */
export function createSealedTokens(secret: string, issuer: string, now: () => number = Date.now): SealedTokens {
  // One key per kind, so a code can never be replayed as an access token even if a claim check slipped.
  const keys = new Map<SealedKind, Uint8Array>();
  const keyFor = (kind: SealedKind) => {
    let key = keys.get(kind);
    if (!key) {
      key = new Uint8Array(hkdfSync("sha256", secret, "openwebui-github oauth", `sealed ${kind}`, 32));
      keys.set(kind, key);
    }
    return key;
  };
  return {
    async seal(kind, claims, ttlS) {
      const seconds = Math.floor(now() / 1000);
      const jwt = new EncryptJWT({ ...claims, kind })
        .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
        .setIssuer(issuer)
        .setIssuedAt(seconds);
      if (ttlS !== null) jwt.setExpirationTime(seconds + ttlS);
      return jwt.encrypt(keyFor(kind));
    },
    async open(kind, sealed) {
      try {
        const { payload } = await jwtDecrypt(sealed, keyFor(kind), {
          issuer,
          currentDate: new Date(now()),
          keyManagementAlgorithms: ["dir"],
          contentEncryptionAlgorithms: ["A256GCM"],
        });
        return payload.kind === kind ? (payload as JWTPayload & Record<string, unknown>) : null;
      } catch {
        return null;
      }
    },
  };
}
