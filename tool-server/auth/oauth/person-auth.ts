import type { Octokit } from "@octokit/rest";
import type { RequestHandler, Router } from "express";
import { constantTimeEqual } from "../../../lib/constant-time-equal.ts";
import { HttpError } from "../../../lib/http-error.ts";
import type { OAuthFacade } from "./create-oauth-facade.ts";

/** A caller who signed in with GitHub through the OAuth connection: the tools act with their token. */
export interface SignedInPerson {
  login: string;
  github: Octokit;
}

/** What the tool server needs of the OAuth mode: its endpoints and the person behind a token. */
export interface PersonAuth {
  router: Router;
  authenticate(accessToken: string): Promise<SignedInPerson | null>;
  challenge: string;
}

/** The facade's people, each with a GitHub client of their own built per call. */
export function personAuth(facade: OAuthFacade, clientFor: (githubToken: string) => Octokit): PersonAuth {
  return {
    router: facade.router,
    challenge: facade.challenge,
    async authenticate(accessToken) {
      const person = await facade.personFor(accessToken);
      return person ? { login: person.login, github: clientFor(person.githubToken) } : null;
    },
  };
}

/**
 * The tool key (Open WebUI's bearer connection, the relay's runs), or with the OAuth mode on, one of
 * our access tokens: the person is put in `res.locals.person`. Anything else is a 401 that points at
 * our metadata, which is how an OAuth client learns where to sign in.
 */
export function requireKeyOrPerson(apiKey: string, refusal: string, oauth: PersonAuth | undefined): RequestHandler {
  return async (req, res, next) => {
    const token = /^Bearer (.+)$/i.exec(req.get("authorization") ?? "")?.[1]?.trim();
    if (token && constantTimeEqual(token, apiKey)) return next();
    const person = token && oauth ? await oauth.authenticate(token) : null;
    if (person) {
      res.locals.person = person;
      return next();
    }
    if (oauth) res.set("www-authenticate", oauth.challenge);
    next(
      new HttpError(
        401,
        token && oauth
          ? "Your GitHub sign-in for these tools has expired or is not valid: connect the GitHub tools again in Open WebUI, then retry."
          : refusal,
      ),
    );
  };
}
