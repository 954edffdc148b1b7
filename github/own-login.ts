import type { Octokit } from "@octokit/rest";
import type { Logger } from "../lib/logger.ts";

/**
 * The login our token posts as, so the relay can ignore its own events. Taken
 * from GITHUB_BOT_LOGIN, else asked of GitHub once; a failed lookup is retried
 * on the next use rather than blocking startup. A GitHub App (`app`, a client
 * with its JWT) posts as `<slug>[bot]`.
 */
export function createOwnLogin(options: { github: Octokit; app?: Octokit | null; configured: string | null; logger: Logger }) {
  let login = options.configured;
  let pending: Promise<string | null> | undefined;

  async function lookUp(): Promise<string | null> {
    try {
      if (options.app) {
        const { data } = await options.app.rest.apps.getAuthenticated();
        if (!data?.slug) throw new Error("GitHub did not say the app's slug");
        login = `${data.slug}[bot]`;
      } else {
        const { data } = await options.github.rest.users.getAuthenticated();
        login = data.login;
      }
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
