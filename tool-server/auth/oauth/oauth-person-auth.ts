import type { OAuthConfig } from "../../../config/read-oauth-config.ts";
import type { GitHubClients } from "../../../deployment/create-github-clients.ts";
import type { Logger } from "../../../lib/logger.ts";
import type { Coordination } from "../../../store/coordination.ts";
import { createOAuthFacade } from "./create-oauth-facade.ts";
import { createGitHubSignIn } from "./github-sign-in.ts";
import { personAuth, type PersonAuth } from "./person-auth.ts";

export interface OAuthPersonAuthDependencies {
  coordination: Coordination;
  github: Pick<GitHubClients, "forUser">;
  logger: Logger;
  /** Each call to GitHub's sign-in endpoints (GITHUB_TIMEOUT_MS). */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** The OAuth mode for the tool server: the facade, with each person's GitHub client from the deployment's factory. */
export function oauthPersonAuth(config: OAuthConfig, deps: OAuthPersonAuthDependencies): PersonAuth {
  const clientFor = (token: string) => deps.github.forUser(token);
  const signIn = createGitHubSignIn({
    config,
    clientFor,
    timeoutMs: deps.timeoutMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const facade = createOAuthFacade({ config, coordination: deps.coordination, signIn, logger: deps.logger });
  return personAuth(facade, clientFor);
}
