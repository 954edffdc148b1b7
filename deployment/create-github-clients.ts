import type { Octokit } from "@octokit/rest";
import {
  appClientFor,
  githubClientFor,
  repositoryClientFor,
  type GitHubClientTuning,
} from "../github/create-github-client.ts";
import { createGitHubPacer, defaultPacing } from "../github/github-pacer.ts";
import { createOwnLogin } from "../github/own-login.ts";
import type { GitHubConfig } from "../config/read-github-config.ts";
import type { Logger } from "../lib/logger.ts";
import { fanOut } from "./fan-out.ts";

export interface GitHubClients {
  /** The token's client, or as a GitHub App each repository's installation token. */
  github: Octokit;
  /** As a GitHub App: the app's own JWT client (its slug, its webhook's log). */
  app: Octokit | undefined;
  /** Who our comments are posted as, to find them and to ignore our own events. */
  ownLogin: ReturnType<typeof createOwnLogin>;
  /** Each service's metrics follow GitHub's x-ratelimit-remaining. */
  onRateLimit(listener: (resource: string, remaining: number) => void): void;
  /** The least time between two new comments, kept by every process on the store (Coordination.takeTurn). */
  commentSpacingMs: number;
  /**
   * The comment budget (and comment pace) a comment on this repository counts against, as GitHub
   * counts them: with a token, the token's (`token`); as a GitHub App, the repository's
   * installation's (`installation:<id>`), so one installation's burst cannot hold up another's.
   */
  budgetFor(owner: string, repo: string): Promise<string>;
  /** A client acting with a person's own token (the OAuth connection), with the same timeouts, retries and pace. */
  forUser(token: string): Octokit;
}

/** The budget of a token deployment; slots taken before budgets had names are its (store/sqlite/migrate.ts). */
export const tokenBudget = "token";

/**
 * The process's GitHub clients, built once: the relay and the tool server in one process share
 * them, and so share one pacer, as GitHub asks of one integration.
 */
export function createGitHubClients(
  config: GitHubConfig & { botLogin: string | null },
  logger: Logger,
  tuning: Omit<GitHubClientTuning, "onRateLimit"> = {},
): GitHubClients {
  const rateLimit = fanOut<[string, number]>();
  // One pace for every client of the integration: GitHub counts writes per token (or app).
  const pacer = tuning.pacer ?? createGitHubPacer(tuning.pacing ?? defaultPacing);
  const shared = { ...tuning, pacer };
  const { github, installationFor } = repositoryClientFor(config, logger, { ...shared, onRateLimit: rateLimit.emit });
  // The app's JWT requests count against the app, not the installations the metrics follow.
  const app = config.app ? appClientFor(config, config.app, logger, shared) : undefined;
  const ownLogin = createOwnLogin({ github, configured: config.botLogin, logger, ...(app ? { app } : {}) });
  const commentSpacingMs = tuning.pacing?.notificationMs ?? defaultPacing.notificationMs;
  const budgetFor = installationFor
    ? async (owner: string, repo: string) => `installation:${await installationFor(owner, repo)}`
    : async () => tokenBudget;
  // A person's requests count against their own rate limit, not the one the metrics follow.
  const forUser = (token: string) => githubClientFor({ ...config, app: null, token }, logger, shared);
  return { github, app, ownLogin, onRateLimit: rateLimit.listen, commentSpacingMs, budgetFor, forUser };
}
