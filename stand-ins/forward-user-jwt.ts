import { createHmac } from "node:crypto";

/**
 * The X-OpenWebUI-User-Jwt Open WebUI 0.12.4 adds to each tool call when
 * FORWARD_USER_INFO_HEADER_JWT_SECRET is set (open_webui/utils/headers.py, _mint_forward_user_jwt):
 * PyJWT's HS256 over sub, email, name, role, iss "open-webui", iat and exp (300 s on).
 */
export function forwardUserJwt(
  secret: string,
  user: { id: string; email: string; name: string; role: string },
  expiresInS = 300,
): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = { sub: user.id, email: user.email, name: user.name, role: user.role, iss: "open-webui" };
  const signed = `${part({ alg: "HS256", typ: "JWT" })}.${part({ ...claims, iat: now, exp: now + expiresInS })}`;
  return `${signed}.${createHmac("sha256", secret).update(signed).digest("base64url")}`;
}
