import OAuth2Server from "@node-oauth/oauth2-server";
import type { Request as ExpressRequest, Response as ExpressResponse, Router } from "express";
import type { Logger } from "../../../lib/logger.ts";
import type { GitHubSignIn } from "./github-sign-in.ts";
import type { SealedKind, SealedTokens } from "./sealed-tokens.ts";

export interface SignInRoutesOptions {
  server: OAuth2Server;
  model: OAuth2Server.AuthorizationCodeModel;
  sealed: Pick<SealedTokens, "seal" | "open">;
  signIn: GitHubSignIn;
  resource: string;
  logger: Logger;
  /** How long a person has at GitHub's pages before the attempt expires. */
  pendingTtlS: number;
}

type Params = Record<string, string>;
const pendingKind: SealedKind = "pending";

function stringParams(query: ExpressRequest["query"]): Params {
  return Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function refuse(res: ExpressResponse, status: number, error: string, description: string) {
  res.status(status).json({ error, error_description: description });
}

/** What is wrong with an authorization request before the person is sent to GitHub, or null. */
async function problemOf(params: Params, options: SignInRoutesOptions): Promise<[string, string] | null> {
  const client = params.client_id ? await options.model.getClient(params.client_id, null!) : null;
  // Open WebUI re-registers when it reads invalid_client or redirect_uri here (its authorize preflight).
  if (!client) return ["invalid_client", "Unknown client_id: register again."];
  if (!params.redirect_uri || !(client.redirectUris as string[]).includes(params.redirect_uri))
    return ["invalid_request", "The redirect_uri is not one registered for this client."];
  if (params.response_type !== "code") return ["unsupported_response_type", "Only response_type=code is supported."];
  if (!params.code_challenge || params.code_challenge_method !== "S256")
    return ["invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256."];
  if (!params.state) return ["invalid_request", "Missing parameter: state."];
  if (params.resource && params.resource !== options.resource)
    return ["invalid_target", `This authorization server issues tokens for ${options.resource} only.`];
  return null;
}

/** GET /oauth/authorize (to GitHub) and GET /oauth/github/callback (back to the client with our code). */
export function mountSignInRoutes(router: Router, options: SignInRoutesOptions) {
  router.get("/oauth/authorize", async (req, res) => {
    const params = stringParams(req.query);
    const problem = await problemOf(params, options);
    if (problem) return refuse(res, 400, ...problem);
    // The whole request rides GitHub's state, sealed: no session to keep, any replica can finish it.
    const state = await options.sealed.seal(pendingKind, { params }, options.pendingTtlS);
    res.redirect(302, options.signIn.authorizeUrl(state));
  });

  router.get("/oauth/github/callback", async (req, res) => {
    const query = stringParams(req.query);
    const pending = query.state ? await options.sealed.open(pendingKind, query.state) : null;
    if (!pending)
      return refuse(
        res,
        400,
        "invalid_request",
        "This sign-in has expired or was not started here: start again from Open WebUI.",
      );
    const params = pending.params as Params;
    const back = new URL(params.redirect_uri!);
    if (!query.code) {
      // The person said no at GitHub: the client hears access_denied, as RFC 6749 4.1.2.1 says.
      back.search = new URLSearchParams({ error: "access_denied", state: params.state! }).toString();
      return res.redirect(302, back.toString());
    }
    const person = await options.signIn.finish(query.code);
    const request = new OAuth2Server.Request({ method: "GET", headers: {}, query: params, body: {} });
    const response = new OAuth2Server.Response({ headers: {} });
    try {
      await options.server.authorize(request, response, { authenticateHandler: { handle: () => person } });
      options.logger.info("oauth sign-in", { login: person.login });
    } catch (error) {
      options.logger.warn("oauth sign-in refused", { login: person.login, reason: (error as Error).message });
      if (!response.get("location")) return refuse(res, 400, "invalid_request", (error as Error).message);
    }
    res.redirect(302, response.get("location") as string);
  });
}
