import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** An OAuth App people sign in with through GitHub's web flow, and the people who may. */
export interface StandInOAuthApp {
  clientId: string;
  clientSecret: string;
  name?: string;
  /** The app's callback URL; a redirect_uri must be it or below it (same host and port). Settable later. */
  callbackUrl?: string;
  /** Who can sign in: login → the private repositories (owner/repo) they can see and comment on. */
  users: Record<string, { repos?: string[] }>;
  /**
   * As a GitHub App with expiring user tokens: each token lives `ttlMs` (GitHub: 8 hours) and comes with
   * a refresh token (grant_type=refresh_token) that works once. Off: tokens never expire (an OAuth App).
   */
  expiringTokens?: { ttlMs: number };
}

/** Makes a user token for the login, valid until `expiresAt` (ms; null: never). */
export type IssueToken = (login: string, expiresAt: number | null) => string;

export interface OAuthAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  raw?: { contentType: string; text: string };
}

interface Grant {
  login: string;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const html = (status: number, text: string): OAuthAnswer => ({
  status,
  body: null,
  raw: { contentType: "text/html; charset=utf-8", text: `<!doctype html><html><body>${text}</body></html>` },
});
const redirect = (to: URL): OAuthAnswer => ({
  status: 302,
  body: null,
  headers: { location: to.toString() },
  raw: { contentType: "text/plain", text: "" },
});

/** GitHub's rule: same scheme, host and port as the callback URL, and a path at or below its path. */
function redirectAllowed(callbackUrl: string | undefined, redirectUri: string): boolean {
  if (!callbackUrl) return false;
  try {
    const callback = new URL(callbackUrl);
    const uri = new URL(redirectUri);
    const below = uri.pathname === callback.pathname || uri.pathname.startsWith(callback.pathname.replace(/\/?$/, "/"));
    return uri.origin === callback.origin && below;
  } catch {
    return false;
  }
}

function params(url: URL, headers: IncomingHttpHeaders, raw: string): Record<string, string> {
  const type = headers["content-type"] ?? "";
  let body: Record<string, string> = {};
  if (type.includes("application/json")) {
    try {
      body = JSON.parse(raw) as Record<string, string>;
    } catch {
      body = {};
    }
  } else if (raw) body = Object.fromEntries(new URLSearchParams(raw));
  return { ...Object.fromEntries(url.searchParams), ...body };
}

/**
 * /login/oauth/authorize (a sign-in and consent page a browser can click) and /login/oauth/access_token,
 * as strict as GitHub: unknown client, wrong secret, a redirect_uri off the callback URL, a used or
 * expired code are all refused. `issueToken` makes a user token for the login.
 */
export function createGitHubOAuthStandIn(app: StandInOAuthApp, issueToken: IssueToken) {
  const grants = new Map<string, Grant>();
  const refreshTokens = new Map<string, string>();
  function tokenAnswer(login: string): Record<string, string> {
    if (!app.expiringTokens) return { access_token: issueToken(login, null), token_type: "bearer", scope: "repo" };
    const refresh = `ghr_${randomBytes(18).toString("hex")}`;
    refreshTokens.set(refresh, login);
    const expiresIn = Math.ceil(app.expiringTokens.ttlMs / 1000);
    const accessToken = issueToken(login, Date.now() + app.expiringTokens.ttlMs);
    return {
      access_token: accessToken,
      expires_in: String(expiresIn),
      refresh_token: refresh,
      token_type: "bearer",
      scope: "",
    };
  }
  function refreshed(p: Record<string, string>): Record<string, string> {
    const login = p.refresh_token ? refreshTokens.get(p.refresh_token) : undefined;
    if (!login)
      return { error: "bad_refresh_token", error_description: "The refresh token passed is incorrect or expired." };
    refreshTokens.delete(p.refresh_token!);
    return tokenAnswer(login);
  }
  function consent(p: Record<string, string>): OAuthAnswer {
    if (p.client_id !== app.clientId) return html(404, "<h1>404: this OAuth application does not exist</h1>");
    if (!p.redirect_uri || !redirectAllowed(app.callbackUrl, p.redirect_uri))
      return html(400, "<h1>The redirect_uri is not associated with this application.</h1>");
    const hidden = ["client_id", "redirect_uri", "state", "scope"]
      .map((name) => `<input type="hidden" name="${name}" value="${escape(p[name] ?? "")}">`)
      .join("");
    return html(
      200,
      `<h1>Authorize ${escape(app.name ?? "OAuth App")}</h1><form method="post" action="/login/oauth/authorize">${hidden}` +
        `<label>Username <input name="login" id="login"></label>` +
        `<button type="submit" name="decision" value="allow" id="authorize">Authorize</button>` +
        `<button type="submit" name="decision" value="deny" id="cancel">Cancel</button></form>`,
    );
  }
  function decide(p: Record<string, string>): OAuthAnswer {
    const refused = consent(p);
    if (refused.status !== 200) return refused;
    const back = new URL(p.redirect_uri!);
    if (p.decision !== "allow") {
      back.searchParams.set("error", "access_denied");
      if (p.state) back.searchParams.set("state", p.state);
      return redirect(back);
    }
    if (!p.login || !app.users[p.login]) return html(401, "<h1>Incorrect username or password.</h1>");
    const code = randomBytes(10).toString("hex");
    grants.set(code, { login: p.login, redirectUri: p.redirect_uri!, expiresAt: Date.now() + 600_000, used: false });
    back.searchParams.set("code", code);
    if (p.state) back.searchParams.set("state", p.state);
    return redirect(back);
  }
  function exchange(p: Record<string, string>, headers: IncomingHttpHeaders): OAuthAnswer {
    const answer = (body: Record<string, string>): OAuthAnswer =>
      (headers.accept ?? "").includes("application/json")
        ? { status: 200, body }
        : {
            status: 200,
            body: null,
            raw: { contentType: "application/x-www-form-urlencoded", text: new URLSearchParams(body).toString() },
          };
    if (p.client_id !== app.clientId || p.client_secret !== app.clientSecret)
      return answer({
        error: "incorrect_client_credentials",
        error_description: "The client_id and/or client_secret passed are incorrect.",
      });
    if (p.grant_type === "refresh_token") return answer(refreshed(p));
    const grant = p.code ? grants.get(p.code) : undefined;
    if (p.redirect_uri && grant && p.redirect_uri !== grant.redirectUri)
      return answer({
        error: "redirect_uri_mismatch",
        error_description: "The redirect_uri MUST match the registered callback URL for this application.",
      });
    if (!grant || grant.used || grant.expiresAt <= Date.now())
      return answer({ error: "bad_verification_code", error_description: "The code passed is incorrect or expired." });
    grant.used = true;
    return answer(tokenAnswer(grant.login));
  }
  return {
    /** The answer for a /login/oauth/ request, or undefined when no such route exists. */
    handle(method: string, url: URL, headers: IncomingHttpHeaders, raw: string): OAuthAnswer | undefined {
      const p = params(url, headers, raw);
      if (url.pathname === "/login/oauth/authorize")
        return method === "GET" ? consent(p) : method === "POST" ? decide(p) : undefined;
      if (url.pathname === "/login/oauth/access_token" && method === "POST") return exchange(p, headers);
      return undefined;
    },
  };
}
