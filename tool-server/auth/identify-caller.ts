import { anonymous, type Caller } from "./caller.ts";
import { verifyUserJwt } from "./verify-user-jwt.ts";

export const userJwtHeader = "x-openwebui-user-jwt";
const userHeaders = {
  id: "x-openwebui-user-id",
  email: "x-openwebui-user-email",
  name: "x-openwebui-user-name",
  role: "x-openwebui-user-role",
} as const;

export interface IdentityOptions {
  /** OPENWEBUI_USER_JWT_SECRET (the same value as Open WebUI's FORWARD_USER_INFO_HEADER_JWT_SECRET). */
  jwtSecret: string | null;
  /** TRUST_OPENWEBUI_USER_HEADERS: plain user headers count, trusting whoever holds the tool key. */
  trustUserHeaders: boolean;
}

/** A header's value, with templates Open WebUI left unexpanded treated as absent and its percent-encoding undone. */
export function headerValue(value: string | undefined): string | null {
  const trimmed = value?.trim();
  if (!trimmed || trimmed.startsWith("{{")) return null;
  try {
    return decodeURIComponent(trimmed);
  } catch {
    return trimmed;
  }
}

/**
 * Who is calling, from the request's headers alone. With a JWT secret, only a valid signed token
 * names a person and the plain headers are ignored (anyone holding the tool key can write those).
 */
export function createIdentifyCaller(options: IdentityOptions) {
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : null;
  return async function identifyCaller(header: (name: string) => string | undefined): Promise<Caller> {
    if (secret) {
      const token = header(userJwtHeader)?.trim();
      if (!token) return anonymous("missing-token");
      const check = await verifyUserJwt(token, secret);
      if (check.ok) return { kind: "person", person: check.person };
      return anonymous(check.expired ? "expired-token" : "bad-token");
    }
    if (!options.trustUserHeaders) return anonymous("no-identity");
    const userId = headerValue(header(userHeaders.id));
    if (!userId) return anonymous("missing-token");
    const read = (name: string) => headerValue(header(name));
    return {
      kind: "person",
      person: {
        userId,
        email: read(userHeaders.email),
        name: read(userHeaders.name),
        role: read(userHeaders.role),
        via: "headers",
      },
    };
  };
}

export type IdentifyCaller = ReturnType<typeof createIdentifyCaller>;
