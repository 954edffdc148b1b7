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

export interface FacadeClient {
  /** The tool server's public URL (its facade). */
  base: string;
  githubUrl: string;
  client: Record<string, string>;
  redirectUri: string;
}

/** The query of an authorization request as Open WebUI sends it, with `extra` changed. */
export function authorizeUrl(at: FacadeClient, pkce: { challenge: string }, extra: Record<string, string> = {}) {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: at.client.client_id!,
    redirect_uri: at.redirectUri,
    state: "state-from-open-webui",
    scope: "github",
    resource: at.base,
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
    ...extra,
  });
  return `${at.base}/oauth/authorize?${query}`;
}

/**
 * A person's browser: our authorize, GitHub's consent page (`decision` clicked as `login`), our
 * callback; answers where the client was sent back to.
 */
export async function consentAt(at: FacadeClient, login: string, pkce: { challenge: string }, decision = "allow") {
  const toGitHub = await location(authorizeUrl(at, pkce));
  const consentPage = new URL(toGitHub.location!);
  const page = await location(consentPage.toString());
  const form = new URLSearchParams({ ...Object.fromEntries(consentPage.searchParams), login, decision });
  const toCallback = await location(`${at.githubUrl}/login/oauth/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  const back = await location(toCallback.location!);
  return { toGitHub, consentPage, page, back, landed: back.location ? new URL(back.location) : null };
}

/** Signs `login` in through the whole flow and trades the code for our tokens. */
export async function signInAt(at: FacadeClient, login: string) {
  const pkce = pkcePair();
  const { landed } = await consentAt(at, login, pkce);
  const { status, body } = await tokenRequest(at.base, {
    grant_type: "authorization_code",
    code: landed!.searchParams.get("code")!,
    redirect_uri: at.redirectUri,
    code_verifier: pkce.verifier,
    client_id: at.client.client_id!,
    client_secret: at.client.client_secret!,
  });
  if (status !== 200) throw new Error(`sign-in of ${login} failed: ${JSON.stringify(body)}`);
  return body as { access_token: string; refresh_token: string; expires_in: number; token_type: string };
}
