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
  now?: () => number;
}

export interface GitHubSignIn {
  /** Where our callback sends the browser back to. */
  callbackUrl: string;
  /** GitHub's sign-in and consent page for this attempt (`state` comes back to our callback). */
  authorizeUrl(state: string): string;
  /** Trades GitHub's code for the person's token and asks GitHub who they are. */
  finish(code: string): Promise<Person>;
  /** A new GitHub token for a person whose token expires (a GitHub App's user tokens live 8 hours). */
  renew(person: Person): Promise<Person>;
}

interface GitHubTokenAnswer {
  access_token?: string;
  expires_in?: number | string;
  refresh_token?: string;
  error?: string;
}

/** GitHub's web flow for an OAuth App, or a GitHub App's user-to-server tokens (the same endpoints). */
export function createGitHubSignIn(options: GitHubSignInOptions): GitHubSignIn {
  const { config } = options;
  const now = options.now ?? Date.now;
  const callbackUrl = `${config.publicUrl}/oauth/github/callback`;
  const tokenCall = async (fields: Record<string, string>, doing: string): Promise<GitHubTokenAnswer> => {
    try {
      const response = await (options.fetch ?? fetch)(`${config.githubWebUrl}/login/oauth/access_token`, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json" },
        body: JSON.stringify({ client_id: config.clientId, client_secret: config.clientSecret, ...fields }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      return (await response.json()) as GitHubTokenAnswer;
    } catch (error) {
      throw new HttpError(502, `GitHub could not be reached to ${doing} (${(error as Error).name}). Try again.`);
    }
  };
  // Only a GitHub App with expiring user tokens sends these; an OAuth App's token lives until revoked.
  const expiring = (answer: GitHubTokenAnswer) =>
    answer.expires_in && answer.refresh_token
      ? { githubExpiresAt: now() + Number(answer.expires_in) * 1000, githubRefreshToken: answer.refresh_token }
      : {};
  return {
    callbackUrl,
    authorizeUrl(state) {
      const url = new URL(`${config.githubWebUrl}/login/oauth/authorize`);
      const query = { client_id: config.clientId, redirect_uri: callbackUrl, scope: config.githubScopes, state };
      url.search = new URLSearchParams({ ...query, allow_signup: "false" }).toString();
      return url.toString();
    },
    async finish(code) {
      const answer = await tokenCall({ code, redirect_uri: callbackUrl }, "finish the sign-in");
      // GitHub answers 200 with an error field for a bad, used or expired code, or a wrong client secret.
      if (!answer.access_token)
        throw new HttpError(
          502,
          `GitHub refused the sign-in (${answer.error ?? "no token"}): start again from Open WebUI. If it keeps failing, an administrator should check GITHUB_OAUTH_CLIENT_ID, GITHUB_OAUTH_CLIENT_SECRET and the app's callback URL (${callbackUrl}).`,
        );
      const { data } = await options.clientFor(answer.access_token).rest.users.getAuthenticated();
      return { login: data.login, id: data.id, githubToken: answer.access_token, ...expiring(answer) };
    },
    async renew(person) {
      const answer = person.githubRefreshToken
        ? await tokenCall({ grant_type: "refresh_token", refresh_token: person.githubRefreshToken }, "renew a token")
        : {};
      if (!answer.access_token)
        throw new HttpError(
          401,
          `GitHub refused to renew ${person.login}'s token (${answer.error ?? "none to renew"}).`,
        );
      return { login: person.login, id: person.id, githubToken: answer.access_token, ...expiring(answer) };
    },
  };
}
