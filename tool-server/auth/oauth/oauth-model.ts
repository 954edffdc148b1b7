import { createHash, createHmac, randomUUID } from "node:crypto";
import type OAuth2Server from "@node-oauth/oauth2-server";
import { constantTimeEqual } from "../../../lib/constant-time-equal.ts";
import type { Coordination } from "../../../store/coordination.ts";
import { renewedIfEnding } from "./renewed-if-ending.ts";
import type { SealedTokens } from "./sealed-tokens.ts";

/** Who signed in at GitHub, carried (encrypted) inside our codes and tokens. */
export interface Person {
  login: string;
  id: number;
  githubToken: string;
  /** Set for a GitHub App's expiring user tokens: when the token ends (ms), and how to get the next. */
  githubExpiresAt?: number;
  githubRefreshToken?: string;
}

/** The one scope we grant: acting on GitHub as the person, within what GITHUB_REPOS allows. */
export const oauthScopes = ["github"];

export interface OAuthModelOptions {
  sealed: SealedTokens;
  /** Marks codes and refresh tokens used, on every replica. */
  coordination: Coordination;
  /** Derives a client's secret from its id, so registration needs no table. */
  secret: string;
  /** A new GitHub token for a person whose token would end before the access token we are about to issue. */
  renew(person: Person): Promise<Person>;
}

const expiry = (exp: unknown) => new Date(Number(exp) * 1000);
const used = (kind: string, value: string) => `oauth-used:${kind}:${createHash("sha256").update(value).digest("hex")}`;
const personOf = (claims: Record<string, unknown>): Person => claims.person as Person;

export function clientSecretFor(secret: string, clientId: string): string {
  return createHmac("sha256", secret).update(`client secret ${clientId}`).digest("base64url");
}

/** Lets `value` through once: the first caller takes a lock that lives as long as the value would. */
async function takeOnce(coordination: Coordination, kind: string, value: string, exp: unknown) {
  const ttlMs = Math.max(1_000, Number(exp) * 1000 - Date.now() + 60_000);
  // A fresh owner each time: a lock's own owner may take it again.
  return coordination.tryLock(used(kind, value), randomUUID(), ttlMs);
}

type Model = OAuth2Server.AuthorizationCodeModel & OAuth2Server.RefreshTokenModel;

/** The storage side of @node-oauth/oauth2-server, with every record sealed instead of stored. */
export function createOAuthModel(options: OAuthModelOptions): Model {
  return { ...clientsAndCodes(options), ...tokens(options) };
}

function clientsAndCodes(options: OAuthModelOptions) {
  const { sealed, coordination } = options;
  return {
    async getClient(clientId: string, clientSecret: string | null) {
      const claims = await sealed.open("client", clientId);
      if (!claims) return null;
      // The authorize step asks without a secret; the token endpoint always with one.
      if (clientSecret != null && !constantTimeEqual(clientSecret, clientSecretFor(options.secret, clientId)))
        return null;
      const grants = ["authorization_code", "refresh_token"];
      return { id: clientId, redirectUris: claims.redirect_uris as string[], grants };
    },
    async validateRedirectUri(uri: string, client: OAuth2Server.Client) {
      return (client.redirectUris as string[]).includes(uri);
    },
    async validateScope(_user: OAuth2Server.User, _client: OAuth2Server.Client, scope?: string[]) {
      if (!scope || scope.length === 0) return oauthScopes;
      return scope.every((s) => oauthScopes.includes(s)) ? scope : false;
    },
    async saveAuthorizationCode(
      code: Parameters<Model["saveAuthorizationCode"]>[0],
      client: OAuth2Server.Client,
      user: OAuth2Server.User,
    ) {
      // OAuth 2.1: no code without PKCE (S256); the library would let one through.
      if (!code.codeChallenge || code.codeChallengeMethod !== "S256") return null;
      const ttlS = Math.max(1, Math.round((code.expiresAt.getTime() - Date.now()) / 1000));
      const claims = { client_id: client.id, redirect_uri: code.redirectUri, scope: code.scope, person: user };
      const pkce = { challenge: code.codeChallenge, method: code.codeChallengeMethod };
      const authorizationCode = await sealed.seal("code", { ...claims, pkce }, ttlS);
      return { ...code, authorizationCode, client, user };
    },
    async getAuthorizationCode(authorizationCode: string) {
      const claims = await sealed.open("code", authorizationCode);
      if (!claims) return null;
      const pkce = claims.pkce as { challenge: string; method: string };
      return {
        authorizationCode,
        expiresAt: expiry(claims.exp),
        redirectUri: claims.redirect_uri as string,
        scope: claims.scope as string[],
        client: { id: claims.client_id as string, grants: ["authorization_code"] },
        user: personOf(claims),
        codeChallenge: pkce.challenge,
        codeChallengeMethod: pkce.method,
        exp: claims.exp,
      };
    },
    // A code works once, on whichever replica sees it first (the library revokes before checking PKCE).
    async revokeAuthorizationCode(code: OAuth2Server.AuthorizationCode) {
      return takeOnce(coordination, "code", code.authorizationCode, code.exp);
    },
  };
}

function tokens(options: OAuthModelOptions) {
  const { sealed, coordination } = options;
  const lifetime = (at: Date | undefined) => Math.max(1, Math.round(((at?.getTime() ?? 0) - Date.now()) / 1000));
  return {
    async saveToken(token: OAuth2Server.Token, client: OAuth2Server.Client, user: OAuth2Server.User) {
      const person = await renewedIfEnding(options.renew, user as Person, token.accessTokenExpiresAt);
      const claims = { client_id: client.id, scope: token.scope, person };
      // What a tool call needs, without GitHub's refresh token: that one rides our refresh token only.
      const { githubRefreshToken: _kept, ...caller } = person;
      const accessClaims = { ...claims, person: caller };
      const accessToken = await sealed.seal("access", accessClaims, lifetime(token.accessTokenExpiresAt));
      const refreshToken = token.refreshToken
        ? await sealed.seal("refresh", claims, lifetime(token.refreshTokenExpiresAt))
        : undefined;
      return { ...token, accessToken, ...(refreshToken ? { refreshToken } : {}), client, user: person };
    },
    async getAccessToken(accessToken: string) {
      const claims = await sealed.open("access", accessToken);
      if (!claims) return null;
      const client = { id: claims.client_id as string, grants: [] };
      const accessTokenExpiresAt = expiry(claims.exp);
      return { accessToken, accessTokenExpiresAt, scope: claims.scope as string[], client, user: personOf(claims) };
    },
    async getRefreshToken(refreshToken: string) {
      const claims = await sealed.open("refresh", refreshToken);
      if (!claims) return null;
      const client = { id: claims.client_id as string, grants: [] };
      const refreshTokenExpiresAt = expiry(claims.exp);
      const scope = claims.scope as string[];
      return { refreshToken, refreshTokenExpiresAt, scope, client, user: personOf(claims), exp: claims.exp };
    },
    // Refresh tokens rotate: each is spent by its first use.
    async revokeToken(token: OAuth2Server.RefreshToken) {
      return takeOnce(coordination, "refresh", token.refreshToken, token.exp);
    },
  };
}
