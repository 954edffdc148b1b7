import type { Octokit } from "@octokit/rest";
import type { OAuthConfig } from "../../../config/read-oauth-config.ts";
import { HttpError } from "../../../lib/http-error.ts";
import type { Person } from "./oauth-model.ts";

export interface GitHubSignInOptions {
  config: OAuthConfig;
  /** A client acting with the person's token, from the deployment's GitHub client factory. */
  clientFor(token: string): Octokit;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface GitHubSignIn {
  /** Where our callback sends the browser back to. */
  callbackUrl: string;
  /** GitHub's sign-in and consent page for this attempt (`state` comes back to our callback). */
  authorizeUrl(state: string): string;
  /** Trades GitHub's code for the person's token and asks GitHub who they are. */
  finish(code: string): Promise<Person>;
}

/** GitHub's web flow for an OAuth App, or a GitHub App's user-to-server tokens (the same endpoints). */
export function createGitHubSignIn(options: GitHubSignInOptions): GitHubSignIn {
  const { config } = options;
  const doFetch = options.fetch ?? fetch;
  const callbackUrl = `${config.publicUrl}/oauth/github/callback`;
  return {
    callbackUrl,
    authorizeUrl(state) {
      const url = new URL(`${config.githubWebUrl}/login/oauth/authorize`);
      url.search = new URLSearchParams({
        client_id: config.clientId,
        redirect_uri: callbackUrl,
        scope: config.githubScopes,
        state,
        allow_signup: "false",
      }).toString();
      return url.toString();
    },
    async finish(code) {
      let answer: { access_token?: string; error?: string; error_description?: string };
      try {
        const response = await doFetch(`${config.githubWebUrl}/login/oauth/access_token`, {
          method: "POST",
          headers: { accept: "application/json", "content-type": "application/json" },
          body: JSON.stringify({
            client_id: config.clientId,
            client_secret: config.clientSecret,
            code,
            redirect_uri: callbackUrl,
          }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        answer = (await response.json()) as typeof answer;
      } catch (error) {
        throw new HttpError(
          502,
          `GitHub could not be reached to finish the sign-in (${(error as Error).name}). Try again.`,
        );
      }
      // GitHub answers 200 with an error field for a bad, used or expired code, or a wrong client secret.
      if (!answer.access_token)
        throw new HttpError(
          502,
          `GitHub refused the sign-in (${answer.error ?? "no token"}): start again from Open WebUI. If it keeps failing, an administrator should check GITHUB_OAUTH_CLIENT_ID, GITHUB_OAUTH_CLIENT_SECRET and the app's callback URL (${callbackUrl}).`,
        );
      const { data } = await options.clientFor(answer.access_token).rest.users.getAuthenticated();
      return { login: data.login, id: data.id, githubToken: answer.access_token };
    },
  };
}
