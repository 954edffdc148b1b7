import OAuth2Server from "@node-oauth/oauth2-server";
import express, { Router, type RequestHandler } from "express";
import type { OAuthConfig } from "../../../config/read-oauth-config.ts";
import type { Logger } from "../../../lib/logger.ts";
import type { Coordination } from "../../../store/coordination.ts";
import type { GitHubSignIn } from "./github-sign-in.ts";
import {
  authorizationServerMetadata,
  protectedResourceMetadata,
  readRegistration,
  registrationAnswer,
} from "./oauth-documents.ts";
import { clientSecretFor, createOAuthModel, type Person } from "./oauth-model.ts";
import { mountSignInRoutes } from "./oauth-sign-in-routes.ts";
import { createSealedTokens } from "./sealed-tokens.ts";

export interface OAuthFacadeOptions {
  config: OAuthConfig;
  coordination: Coordination;
  signIn: GitHubSignIn;
  logger: Logger;
  /** Seconds our authorization codes live (GitHub's own live 10 minutes). */
  codeTtlS?: number;
  now?: () => number;
}

export interface OAuthFacade {
  /** The metadata, registration, authorize, callback and token endpoints. */
  router: Router;
  /** The person behind one of our access tokens, or null for anything else. */
  personFor(accessToken: string): Promise<Person | null>;
  /** The WWW-Authenticate value of a 401, which points a client at our metadata (RFC 9728). */
  challenge: string;
}

/** An OAuth 2.1 authorization server in front of GitHub's sign-in, built on @node-oauth/oauth2-server. */
export function createOAuthFacade(options: OAuthFacadeOptions): OAuthFacade {
  const { config } = options;
  const sealed = createSealedTokens(config.secret, config.publicUrl, options.now);
  const model = createOAuthModel({
    sealed,
    coordination: options.coordination,
    secret: config.secret,
    renew: (person) => options.signIn.renew(person),
  });
  const server = new OAuth2Server({
    model,
    authorizationCodeLifetime: options.codeTtlS ?? 60,
    accessTokenLifetime: config.accessTokenTtlS,
    refreshTokenLifetime: config.refreshTokenTtlS,
    allowEmptyState: false,
    alwaysIssueNewRefreshToken: true,
  });
  const router = Router();
  const prm = protectedResourceMetadata(config.publicUrl);
  // RFC 9728 puts a resource's path after the well-known name; Open WebUI tries both forms.
  router.get(["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/*rest"], (_req, res) => {
    res.json(prm);
  });
  router.get("/.well-known/oauth-authorization-server", (_req, res) => {
    res.json(authorizationServerMetadata(config.publicUrl));
  });
  router.post("/oauth/register", express.json({ limit: "16kb" }), async (req, res) => {
    const request = readRegistration(req.body, config.redirectOrigins);
    if ("error" in request) return void res.status(400).json(request);
    const clientId = await sealed.seal("client", { redirect_uris: request.redirect_uris }, null);
    res.status(201).json(registrationAnswer(request, clientId, clientSecretFor(config.secret, clientId)));
  });
  mountSignInRoutes(router, {
    server,
    model,
    sealed,
    signIn: options.signIn,
    resource: config.publicUrl,
    logger: options.logger,
    pendingTtlS: 600,
  });
  router.post(
    "/oauth/token",
    express.urlencoded({ extended: false, limit: "16kb" }),
    tokenEndpoint(server, config.publicUrl, options.logger),
  );
  return {
    router,
    async personFor(accessToken) {
      const claims = await sealed.open("access", accessToken);
      return claims ? (claims.person as Person) : null;
    },
    challenge: `Bearer resource_metadata="${config.publicUrl}/.well-known/oauth-protected-resource"`,
  };
}

/** POST /oauth/token: the library checks the client, the code, PKCE and the refresh token. */
function tokenEndpoint(server: OAuth2Server, resource: string, logger: Logger): RequestHandler {
  return async (req, res) => {
    res.set("cache-control", "no-store");
    if (typeof req.body?.resource === "string" && req.body.resource !== resource)
      return void res
        .status(400)
        .json({ error: "invalid_target", error_description: `Tokens are for ${resource} only.` });
    const response = new OAuth2Server.Response({ headers: {} });
    try {
      await server.token(new OAuth2Server.Request(req), response);
      res.status(response.status ?? 200).json(response.body);
    } catch (error) {
      const oauthError = error as OAuth2Server.OAuthError;
      const status = oauthError.code ?? 500;
      if (status >= 500) logger.error("oauth token endpoint failed", { error: oauthError.message });
      const description = status >= 500 ? "Server error." : oauthError.message;
      res.status(status).json({ error: oauthError.name ?? "server_error", error_description: description });
    }
  };
}
