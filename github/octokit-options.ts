import { createAppAuth } from "@octokit/auth-app";
import type { GitHubClientOptions } from "./create-github-client.ts";

/**
 * What every GitHub client of ours hands Octokit whatever its pacing: how it
 * authenticates (another strategy, the GitHub App's JWT, or the token), where
 * GitHub is, who is calling, and the fetch each attempt goes out through.
 */
export function octokitOptions(
  options: Pick<GitHubClientOptions, "authStrategy" | "app" | "token" | "baseUrl">,
  fetch: typeof globalThis.fetch,
) {
  return {
    ...(options.authStrategy
      ? { authStrategy: options.authStrategy }
      : options.app
        ? { authStrategy: createAppAuth, auth: { appId: options.app.id, privateKey: options.app.privateKey } }
        : { auth: options.token }),
    baseUrl: options.baseUrl,
    userAgent: "openwebui-github",
    request: { fetch },
  };
}
