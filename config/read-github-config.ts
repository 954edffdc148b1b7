import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import type { createEnvReader } from "../lib/read-env.ts";
import { parseRepoAllowList, type RepoAllowList } from "../github/repo-allow-list.ts";

/** A GitHub App's credentials: the services then act with an installation token per repository. */
export interface GitHubAppCredentials {
  id: number;
  privateKey: string;
}

export interface GitHubConfig {
  /** The personal token; empty when the services act as a GitHub App. */
  token: string;
  /** Set when acting as a GitHub App (GITHUB_APP_ID and its private key) instead of with GITHUB_TOKEN. */
  app: GitHubAppCredentials | null;
  apiUrl: string;
  allowList: RepoAllowList;
  timeoutMs: number;
  /** GitHub's content-creation limits per token; every comment takes one slot. */
  commentLimits: Array<{ max: number; windowMs: number }>;
}

type Reader = ReturnType<typeof createEnvReader>;

/** GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE; null when none of them is set. */
function readAppCredentials(read: Reader): GitHubAppCredentials | null {
  const id = read.optionalString("GITHUB_APP_ID", "");
  // Environment files often hold the PEM on one line with \n escapes.
  const inline = read.optionalString("GITHUB_APP_PRIVATE_KEY", "").replace(/\\n/g, "\n");
  const file = read.optionalString("GITHUB_APP_PRIVATE_KEY_FILE", "");
  if (!id && !inline && !file) return null;
  if (!/^\d{1,12}$/.test(id)) read.fail(`GITHUB_APP_ID must be the app's numeric id (on its settings page, "App ID"), got "${id}"`);
  if (inline && file) read.fail("GITHUB_APP_PRIVATE_KEY and GITHUB_APP_PRIVATE_KEY_FILE are both set: give the key one way only");
  let privateKey = inline;
  let source = "GITHUB_APP_PRIVATE_KEY";
  if (!inline && file) {
    source = "GITHUB_APP_PRIVATE_KEY_FILE";
    try {
      privateKey = readFileSync(file, "utf8");
    } catch (error) {
      read.fail(`GITHUB_APP_PRIVATE_KEY_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}): give the path of the .pem file GitHub generated for the app`);
      return null;
    }
  }
  if (!privateKey) {
    read.fail("GITHUB_APP_PRIVATE_KEY is missing: set it to the app's private key (PEM, \\n escapes allowed), or set GITHUB_APP_PRIVATE_KEY_FILE to the .pem file's path");
    return null;
  }
  // Checked now, so a truncated or mangled key is a config error, not a 401 on the first webhook.
  let valid = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey);
  if (valid) {
    try {
      valid = createPrivateKey(privateKey).asymmetricKeyType === "rsa";
    } catch {
      valid = false;
    }
  }
  // Never echo the key itself.
  if (!valid) read.fail(`${source} is not an RSA private key in PEM form: use the .pem file GitHub generated for the app (in an .env value, \\n escapes for line breaks)`);
  return { id: Number(id), privateKey };
}

/** The GitHub variables both services share, read the same way in both. */
export function readGitHubConfig(read: Reader): GitHubConfig {
  const app = readAppCredentials(read);
  const token = read.optionalString("GITHUB_TOKEN", "");
  // One identity per deployment: with both, which one posts would be a guess.
  if (token && app) read.fail("GITHUB_TOKEN and GITHUB_APP_ID are both set: act either with a token or as a GitHub App, so unset one of them");
  if (!token && !app) {
    read.fail("GITHUB_TOKEN is missing: create a fine-grained token with Issues read/write on the chosen repositories and set GITHUB_TOKEN, or run as a GitHub App with GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY");
  }
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
  return { token, app, apiUrl, allowList, timeoutMs, commentLimits };
}
