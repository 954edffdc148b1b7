import { createHash, randomBytes } from "node:crypto";

/** A PKCE pair as RFC 7636 makes it (S256). */
export function pkcePair() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** Follows one redirect by hand (as a browser would) and answers where it points. */
export async function location(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; location: string | null; text: string }> {
  const response = await fetch(url, { ...init, redirect: "manual" });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

/** An OAuth client of the tool server's facade, doing what Open WebUI's does: register, authorize, token. */
export async function registerClient(baseUrl: string, redirectUri: string) {
  const response = await fetch(`${baseUrl}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: "Open WebUI",
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

export async function tokenRequest(baseUrl: string, form: Record<string, string>) {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string | number> };
}
