import type { Octokit } from "@octokit/rest";
import type { Logger } from "../lib/logger.ts";

/**
 * The login our token posts as, so the relay can ignore its own events and
 * find its own comments. Taken from GITHUB_BOT_LOGIN, else asked of GitHub
 * once: the token's user, or for a GitHub App (`app`, a client with the app's
 * JWT) its bot, `<slug>[bot]`. A failed lookup is retried on the next use
 * rather than blocking startup.
 */
export function createOwnLogin(options: { github: Octokit; configured: string | null; logger: Logger; app?: Octokit }) {
  let login = options.configured;
  let pending: Promise<string | null> | undefined;

  async function ask(): Promise<string> {
    if (!options.app) return (await options.github.rest.users.getAuthenticated()).data.login;
    const { data } = await options.app.rest.apps.getAuthenticated();
    if (!data?.slug) throw new Error("GitHub did not say the app's slug");
    return `${data.slug}[bot]`;
  }

  async function lookUp(): Promise<string | null> {
    try {
      login = await ask();
      options.logger.info(options.app ? "acting as GitHub App" : "acting as GitHub user", { login });
    } catch (error) {
      options.logger.warn(
        `could not look up the ${options.app ? "app's bot" : "token's GitHub"} login; set GITHUB_BOT_LOGIN to skip the lookup`,
        { status: (error as { status?: number }).status ?? null },
      );
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
