import type { Octokit } from "@octokit/rest";
import { HttpError } from "../lib/http-error.ts";
import { isRequestError } from "./github-error.ts";

interface InstallationAuth {
  token: string;
  expiresAt: string;
}

type AppAuth = (options: { type: "installation"; installationId: number; repositoryNames: string[]; permissions: Record<string, string>; refresh?: boolean }) => Promise<InstallationAuth>;

// What the tools and the relay do: read issues and comment on them. Nothing else is asked for.
const permissions = { issues: "write", metadata: "read" };
// A token this close to its end is replaced first: a long request must not outlive it.
const refreshMarginMs = 5 * 60_000;

function repositoryOf(options: { url?: string; owner?: unknown; repo?: unknown }): { owner: string; repo: string } | undefined {
  if (typeof options.owner === "string" && typeof options.repo === "string") return { owner: options.owner, repo: options.repo };
  // Later pages of a paginated list come as full URLs, without the parameters.
  const match = /\/repos\/([^/?#]+)\/([^/?#]+)/.exec(options.url ?? "");
  return match ? { owner: decodeURIComponent(match[1]!), repo: decodeURIComponent(match[2]!) } : undefined;
}

/**
 * Makes `octokit` act, for each repository, as the GitHub App's installation on
 * it: the installation is looked up with the app's JWT (`appClient`), and each
 * request carries a token narrowed to that one repository and to issues and
 * metadata. @octokit/auth-app caches the tokens; one near its end, or refused
 * as expired, is replaced.
 */
export function actAsInstallations(octokit: Octokit, appClient: Octokit, options: { installationCacheMs?: number; now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const cacheMs = options.installationCacheMs ?? 10 * 60_000;
  const installations = new Map<string, { id: number; at: number }>();
  const auth = appClient.auth as unknown as AppAuth;

  async function installationFor(owner: string, repo: string): Promise<number> {
    const key = `${owner}/${repo}`.toLowerCase();
    const cached = installations.get(key);
    if (cached && now() - cached.at < cacheMs) return cached.id;
    try {
      const { data } = await appClient.rest.apps.getRepoInstallation({ owner, repo });
      installations.set(key, { id: data.id, at: now() });
      return data.id;
    } catch (error) {
      if (isRequestError(error) && error.status === 404) {
        throw new HttpError(404, `The GitHub App is not installed on ${owner}/${repo}. Install it there (with Issues read and write) or remove the repository from GITHUB_REPOS.`);
      }
      throw error;
    }
  }

  async function tokenFor(installationId: number, repo: string, refresh: boolean): Promise<string> {
    let result = await auth({ type: "installation", installationId, repositoryNames: [repo], permissions, ...(refresh ? { refresh: true } : {}) });
    if (!refresh && Date.parse(result.expiresAt) - now() < refreshMarginMs) {
      result = await auth({ type: "installation", installationId, repositoryNames: [repo], permissions, refresh: true });
    }
    return result.token;
  }

  octokit.hook.wrap("request", async (request, requestOptions) => {
    const target = repositoryOf(requestOptions as { url?: string; owner?: unknown; repo?: unknown });
    if (!target) throw new Error(`acting as a GitHub App, ${requestOptions.method} ${requestOptions.url} names no repository, so no installation can make it`);
    const installationId = await installationFor(target.owner, target.repo);
    const send = async (refresh: boolean) => {
      const token = await tokenFor(installationId, target.repo, refresh);
      // The plugins' hooks inside this one were handed this very object: change it, not a copy.
      requestOptions.headers = { ...requestOptions.headers, authorization: `token ${token}` };
      return request(requestOptions);
    };
    try {
      return await send(false);
    } catch (error) {
      // Revoked, or expired sooner than it said: one fresh token, once.
      if (isRequestError(error) && error.status === 401) return send(true);
      throw error;
    }
  });
  return octokit;
}
