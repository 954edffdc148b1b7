import type { Octokit } from "@octokit/rest";
import { repoConfigPath } from "../../config/repo-config-schema.ts";
import { isRequestError } from "../../github/github-error.ts";
import { HttpError } from "../../lib/http-error.ts";
import type { Coordination } from "../../store/coordination.ts";

/** A repository's .github/openwebui-github.yml as read at its default branch. */
export type RepoConfigFile =
  { kind: "absent" } | { kind: "file"; text: string } | { kind: "unusable"; problem: string };

export interface RepoConfigReader {
  /** The file now: from the cache unless it is older than the TTL or a push to the default branch came since. */
  read(owner: string, repo: string): Promise<RepoConfigFile>;
}

export interface RepoConfigReaderOptions {
  github: Octokit;
  /** Holds each repository's refresh epoch, advanced by the door on a push (refreshRepoConfig). */
  coordination: Pick<Coordination, "readEpoch">;
  /** The backstop: a file read longer ago than this is read again (RELAY_REPO_CONFIG_TTL_MS). */
  ttlMs: number;
  now?: () => number;
}

// A narrowing is a few lines; anything bigger is a mistake, and is not parsed on every run.
const maxBytes = 64 * 1024;
// Repositories are those GITHUB_REPOS allows; this only bounds an owner/* with very many.
const maxEntries = 1_000;

/** The store's epoch for one repository's file: every replica reads it, so a push seen by one refreshes all. */
export function repoConfigEpoch(owner: string, repo: string): string {
  return `repo-config:${owner}/${repo}`.toLowerCase();
}

/**
 * Reads repositories' files through GitHub's contents API (the default branch: no ref), and keeps
 * each, absent ones too, until the TTL ends or the repository's epoch moves. The epoch is read
 * from the store on every call: a cheap local read, where the file is a GitHub request.
 */
export function createRepoConfigReader(options: RepoConfigReaderOptions): RepoConfigReader {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { file: RepoConfigFile; epoch: number; readAt: number }>();
  const reading = new Map<string, Promise<RepoConfigFile>>();

  async function fetchFile(owner: string, repo: string, key: string, epoch: number): Promise<RepoConfigFile> {
    const readAt = now();
    const file = await fetchRepoConfig(options.github, owner, repo);
    cache.delete(key);
    cache.set(key, { file, epoch, readAt });
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
    return file;
  }

  return {
    async read(owner, repo) {
      const key = repoConfigEpoch(owner, repo);
      // Read before the file: a push landing while it is fetched leaves the entry behind the epoch.
      const epoch = await options.coordination.readEpoch(key);
      const cached = cache.get(key);
      if (cached && cached.epoch === epoch && now() - cached.readAt < options.ttlMs) return cached.file;
      // Runs starting together in one repository share one request.
      const flight = `${key}@${epoch}`;
      const pending = reading.get(flight) ?? fetchFile(owner, repo, key, epoch).finally(() => reading.delete(flight));
      reading.set(flight, pending);
      return pending;
    },
  };
}

async function fetchRepoConfig(github: Octokit, owner: string, repo: string): Promise<RepoConfigFile> {
  let data: unknown;
  try {
    ({ data } = await github.rest.repos.getContent({ owner, repo, path: repoConfigPath }));
  } catch (error) {
    // No file: the deployment's rules apply as they are. Any other answer is thrown, so no run goes
    // ahead without knowing what the repository narrowed (the run fails or is retried as usual).
    if (isRequestError(error) && error.status === 404) return { kind: "absent" };
    throw refusedRead(error, `${owner}/${repo}`);
  }
  const entry = data as { type?: unknown; encoding?: unknown; content?: unknown; size?: unknown };
  if (Array.isArray(data) || entry.type !== "file")
    return { kind: "unusable", problem: `${repoConfigPath} is not a file` };
  if (typeof entry.size === "number" && entry.size > maxBytes)
    return { kind: "unusable", problem: `${repoConfigPath} is ${entry.size} bytes; at most ${maxBytes}` };
  if (entry.encoding !== "base64" || typeof entry.content !== "string")
    return { kind: "unusable", problem: `${repoConfigPath} came without its content` };
  return { kind: "file", text: Buffer.from(entry.content, "base64").toString("utf8") };
}

/** A 403 that is no rate limit will not pass on a retry: say what the operator must grant. */
function refusedRead(error: unknown, repository: string): unknown {
  if (!isRequestError(error) || error.status !== 403 || /rate limit/i.test(error.message)) return error;
  return new HttpError(
    403,
    `GitHub refused to read ${repository}'s ${repoConfigPath} (${error.message}): the relay's token or GitHub App ` +
      "needs Contents: Read-only on the repository; no rule runs there until it can read it.",
    { cause: error },
  );
}
