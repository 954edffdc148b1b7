import type { Octokit } from "@octokit/rest";
import { HttpError } from "../lib/http-error.ts";
import type { Logger } from "../lib/logger.ts";
import { isRequestError } from "./github-error.ts";

export interface Installation {
  id: number;
  /** Permission name → "read" or "write", as the installation was granted them. */
  permissions: Record<string, string>;
}

/**
 * Which installation of the GitHub App serves a repository, looked up once per
 * repository (a pending lookup is shared) and forgotten when it fails or when
 * the installation turns out to be gone.
 */
export function createInstallationIds(appClient: Octokit, logger: Logger) {
  // owner/repo (lower case) → the installation's id and what it was granted.
  const installations = new Map<string, Promise<Installation>>();
  const keyOf = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase();

  function lookUp(owner: string, repo: string): Promise<Installation> {
    const key = keyOf(owner, repo);
    let found = installations.get(key);
    if (!found) {
      found = appClient.rest.apps.getRepoInstallation({ owner, repo }).then(
        ({ data }) => {
          logger.info("GitHub App installation found", { repository: `${owner}/${repo}`, installationId: data.id });
          return { id: data.id, permissions: (data.permissions ?? {}) as Record<string, string> };
        },
        (error: unknown) => {
          installations.delete(key);
          if (isRequestError(error) && error.status === 404) {
            throw new HttpError(
              403,
              `The GitHub App is not installed on ${owner}/${repo}, so it cannot act there. An administrator must install the app on that repository (the app's settings > Install App); retrying will not help.`,
              { cause: error },
            );
          }
          throw error;
        },
      );
      installations.set(key, found);
    }
    return found;
  }

  return {
    installationFor: async (owner: string, repo: string) => (await lookUp(owner, repo)).id,
    /** The installation's id and the permissions it was granted (from the same one lookup). */
    installation: lookUp,
    forget: (owner: string, repo: string) => void installations.delete(keyOf(owner, repo)),
  };
}
