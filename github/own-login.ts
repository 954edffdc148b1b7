import type { Octokit } from "@octokit/rest";
import type { Logger } from "../lib/logger.ts";

/**
 * The login our token posts as, so the relay can ignore its own events. Taken
 * from GITHUB_BOT_LOGIN, else asked of GitHub once; a failed lookup is retried
 * on the next use rather than blocking startup.
 */
export function createOwnLogin(options: { github: Octokit; configured: string | null; logger: Logger }) {
  let login = options.configured;
  let pending: Promise<string | null> | undefined;

  async function lookUp(): Promise<string | null> {
    try {
      const { data } = await options.github.rest.users.getAuthenticated();
      login = data.login;
      options.logger.info("acting as GitHub user", { login });
    } catch (error) {
      options.logger.warn("could not look up the token's GitHub login; set GITHUB_BOT_LOGIN to skip the lookup", { status: (error as { status?: number }).status ?? null });
    } finally {
      pending = undefined;
    }
    return login;
  }

  return {
    known: () => login,
    resolve(): Promise<string | null> {
      if (login) return Promise.resolve(login);
      pending ??= lookUp();
      return pending;
    },
  };
}
