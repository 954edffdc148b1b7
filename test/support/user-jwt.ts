import { SignJWT } from "jose";

export interface OpenWebUIUser {
  id: string;
  email: string;
  name: string;
  role: "admin" | "user";
}

/**
 * The X-OpenWebUI-User-Jwt Open WebUI 0.12.4 mints per tool call (open_webui/utils/headers.py,
 * _mint_forward_user_jwt): HS256, sub/email/name/role, iss "open-webui", iat, exp 300 s on.
 * `change` alters it the ways an attacker or a broken setup would.
 */
export async function signUserJwt(
  secret: string,
  user: OpenWebUIUser,
  change: { issuer?: string; expiresInS?: number | null; alg?: "HS256" | "HS384"; now?: number } = {},
): Promise<string> {
  const now = change.now ?? Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ email: user.email, name: user.name, role: user.role })
    .setProtectedHeader({ alg: change.alg ?? "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(change.issuer ?? "open-webui")
    .setIssuedAt(now);
  if (change.expiresInS !== null) jwt.setExpirationTime(now + (change.expiresInS ?? 300));
  return jwt.sign(new TextEncoder().encode(secret));
}

/** An unsigned token (`alg: none`), as a forger without the secret would send. */
export function unsignedUserJwt(user: OpenWebUIUser): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "none", typ: "JWT" })}.${part({ sub: user.id, email: user.email, name: user.name, role: user.role, iss: "open-webui", iat: now, exp: now + 300 })}.`;
}
