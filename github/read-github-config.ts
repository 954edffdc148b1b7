import type { createEnvReader } from "../lib/read-env.ts";
import { parseRepoAllowList, type RepoAllowList } from "./repo-allow-list.ts";

export interface GitHubConfig {
  token: string;
  apiUrl: string;
  allowList: RepoAllowList;
  timeoutMs: number;
  /** GitHub's content-creation limits per token; every comment takes one slot. */
  commentLimits: Array<{ max: number; windowMs: number }>;
}

/** The GitHub variables both services share, read the same way in both. */
export function readGitHubConfig(read: ReturnType<typeof createEnvReader>): GitHubConfig {
  const token = read.requiredString("GITHUB_TOKEN", "create a fine-grained token with Issues read/write on the chosen repositories and set GITHUB_TOKEN");
  const apiUrl = read.url("GITHUB_API_URL", "https://api.github.com", "use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server");
  const entries = read.list("GITHUB_REPOS");
  if (entries.length === 0) read.fail("GITHUB_REPOS is missing: list the repositories the AI may act on, e.g. GITHUB_REPOS=my-org/app,my-org/*");
  const { allowList, problems } = parseRepoAllowList(entries);
  for (const problem of problems) read.fail(`GITHUB_REPOS has an invalid entry: ${problem}; use owner/repo or owner/*, comma-separated`);
  const timeoutMs = read.integer("GITHUB_TIMEOUT_MS", 30_000, { min: 1_000, max: 600_000 });
  const commentLimits = [
    { max: read.integer("GITHUB_COMMENTS_PER_MINUTE", 80, { min: 1, max: 10_000 }), windowMs: 60_000 },
    { max: read.integer("GITHUB_COMMENTS_PER_HOUR", 500, { min: 1, max: 100_000 }), windowMs: 3_600_000 },
  ];
  return { token, apiUrl, allowList, timeoutMs, commentLimits };
}
