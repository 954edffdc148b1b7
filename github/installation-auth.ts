import { createAppAuth } from "@octokit/auth-app";
import type { Octokit } from "@octokit/rest";
import { HttpError } from "../lib/http-error.ts";
import type { Logger } from "../lib/logger.ts";
import type { GitHubAppCredentials } from "../config/read-github-config.ts";
import { isRequestError } from "./github-error.ts";
import { createInstallationIds, type Installation } from "./installation-ids.ts";

/** What Octokit hands an auth strategy's hook. */
type RequestFn = ((route: string, parameters?: Record<string, unknown>) => Promise<unknown>) & {
  endpoint: {
    merge(
      route: string,
      parameters?: Record<string, unknown>,
    ): Record<string, unknown> & { headers: Record<string, string> };
    parse(options: Record<string, unknown>): { url: string };
  };
};

export interface InstallationAuthOptions {
  app: GitHubAppCredentials;
  /** Authenticated as the app itself (JWT): finds installations. */
  appClient: Octokit;
  logger: Logger;
}

// An installation token lives an hour; one this close to its end is replaced before use.
const refreshMarginMs = 60_000;
// What the tools and the relay can use: issues and comments, pull requests and their review threads,
// files (get_file_contents, a repository's .github/openwebui-github.yml) and workflow dispatches.
const wanted: Record<string, "read" | "write"> = {
  issues: "write",
  metadata: "read",
  pull_requests: "write",
  contents: "read",
  actions: "write",
};

/**
 * The token's permissions: what the tools can use, within what the installation was granted (asking
 * for more is refused with a 422, so an app granted only Issues keeps working for issues). Never
 * more than the tools use, whatever else the installation holds.
 */
export function tokenPermissions(granted: Record<string, string>): Record<string, "read" | "write"> {
  const permissions: Record<string, "read" | "write"> = {};
  for (const [name, level] of Object.entries(wanted)) {
    const has = granted[name];
    if (has === "write" || has === "admin") permissions[name] = level;
    else if (has === "read") permissions[name] = "read";
  }
  return permissions;
}
const repoPath = /\/repos\/([^/?#]+)\/([^/?#]+)/;

/** The repository a request is for, read from its URL: an installation token is for repositories only. */
function repositoryOf(method: string, url: string): { owner: string; repo: string } {
  const path = new URL(url, "http://host").pathname;
  const match = repoPath.exec(path);
  if (!match)
    throw new HttpError(
      500,
      `Acting as a GitHub App, this service only calls repository endpoints; ${method} ${path} has no repository.`,
    );
  return { owner: decodeURIComponent(match[1]!), repo: decodeURIComponent(match[2]!) };
}

/**
 * An Octokit auth strategy for acting as a GitHub App: each request to a
 * repository goes out with an installation token of that repository's
 * installation, narrowed to the repository and to what the tools use (tokenPermissions). One client then
 * serves every allowed repository, whichever account installed the app there.
 * @octokit/auth-app creates and caches the tokens; its cache does not look at
 * their expiry, so that is checked here, and a 401 gets one fresh token.
 */
export function createInstallationAuth(options: InstallationAuthOptions) {
  const { appClient, logger } = options;
  const tokens = createAppAuth({
    appId: options.app.id,
    privateKey: options.app.privateKey,
    request: appClient.request,
  });
  const { installationFor, installation, forget } = createInstallationIds(appClient, logger);

  async function tokenFor(found: Installation, repo: string, refresh: boolean): Promise<string> {
    const ask = {
      type: "installation" as const,
      installationId: found.id,
      repositoryNames: [repo],
      permissions: tokenPermissions(found.permissions),
      ...(refresh ? { refresh: true } : {}),
    };
    const auth = await tokens(ask);
    if (!refresh && auth.expiresAt && Date.parse(auth.expiresAt) - Date.now() < refreshMarginMs)
      return (await tokens({ ...ask, refresh: true })).token;
    return auth.token;
  }

  async function hook(request: RequestFn, route: string, parameters?: Record<string, unknown>): Promise<unknown> {
    const endpoint = request.endpoint.merge(route, parameters);
    const { owner, repo } = repositoryOf(String(endpoint.method), request.endpoint.parse(endpoint).url);
    const found = await installation(owner, repo);
    const installationId = found.id;
    const send = async (refresh: boolean) => {
      let token: string;
      try {
        token = await tokenFor(found, repo, refresh);
      } catch (error) {
        // Uninstalled (or reinstalled under a new id) since the lookup: look it up again next time.
        if (isRequestError(error) && (error.status === 404 || error.status === 422)) forget(owner, repo);
        throw error;
      }
      endpoint.headers.authorization = `token ${token}`;
      return request(endpoint as unknown as string);
    };
    try {
      return await send(false);
    } catch (error) {
      // Revoked, or expired early (clocks differ): one fresh token, then GitHub's answer stands.
      if (!isRequestError(error) || error.status !== 401) throw error;
      logger.info("installation token refused; asking for a fresh one", {
        repository: `${owner}/${repo}`,
        installationId,
      });
      return send(true);
    }
  }

  /** Octokit's authStrategy shape: auth() for octokit.auth(), and the request hook. */
  const strategy = () => Object.assign(async () => ({ type: "app-installations" }), { hook });
  return { strategy, installationFor };
}
