import { errors, jwtVerify } from "jose";
import type { Person } from "./caller.ts";

/** Open WebUI's clock and ours may differ a little; its tokens live 300 s by default. */
const clockToleranceSeconds = 30;

export type JwtCheck = { ok: true; person: Person } | { ok: false; expired: boolean };

const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : null);

/**
 * Verifies the `X-OpenWebUI-User-Jwt` Open WebUI mints per tool call (open_webui/utils/headers.py):
 * HS256 with FORWARD_USER_INFO_HEADER_JWT_SECRET, `iss: "open-webui"`, `sub` the user id, `exp` set.
 * Any other algorithm (`none` included), issuer, or a token without `exp` or `sub` is refused.
 */
export async function verifyUserJwt(token: string, secret: Uint8Array, now?: Date): Promise<JwtCheck> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ["HS256"],
      issuer: "open-webui",
      requiredClaims: ["exp", "sub"],
      clockTolerance: clockToleranceSeconds,
      ...(now ? { currentDate: now } : {}),
    });
    const userId = text(payload.sub);
    if (!userId) return { ok: false, expired: false };
    return {
      ok: true,
      person: { userId, email: text(payload.email), name: text(payload.name), role: text(payload.role), via: "jwt" },
    };
  } catch (error) {
    return { ok: false, expired: error instanceof errors.JWTExpired };
  }
}
