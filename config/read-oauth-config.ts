import type { Env } from "./config-error.ts";
import { httpUrl, integer, list, optionalText, readEnvFields } from "./env-fields.ts";

/** The second connection mode: each person signs in with GitHub and the tools act with their token. */
export interface OAuthConfig {
  /** Where browsers and Open WebUI reach the tool server; the issuer and resource of its tokens. */
  publicUrl: string;
  /** The GitHub OAuth App (or GitHub App) people sign in through. */
  clientId: string;
  clientSecret: string;
  /** Where browsers reach GitHub's sign-in pages (https://github.com, or the GHES host). */
  githubWebUrl: string;
  /** Scopes asked of GitHub for an OAuth App (a GitHub App's permissions are set on the app). */
  githubScopes: string;
  /** Encrypts the tokens we hand out (they carry the person's GitHub token). */
  secret: string;
  /** Origins (Open WebUI's public address) a registered client may send people back to. */
  redirectOrigins: string[];
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
}

const fields = {
  clientId: optionalText("GITHUB_OAUTH_CLIENT_ID", ""),
  clientSecret: optionalText("GITHUB_OAUTH_CLIENT_SECRET", ""),
  secret: optionalText("TOOL_SERVER_OAUTH_SECRET", ""),
  publicUrl: httpUrl(
    "TOOL_SERVER_PUBLIC_URL",
    "http://localhost:8087",
    "set it to where browsers reach the tool server",
  ),
  githubWebUrl: httpUrl("GITHUB_WEB_URL", "https://github.com", "use https://github.com, or https://HOST for GHES"),
  githubScopes: optionalText("GITHUB_OAUTH_SCOPES", "repo"),
  redirectOrigins: list("TOOL_SERVER_OAUTH_REDIRECT_ORIGINS"),
  // Open WebUI refreshes a token 5 minutes before it expires: a shorter life would refresh on every call.
  accessTokenTtlS: integer("TOOL_SERVER_OAUTH_ACCESS_TOKEN_TTL_S", 3_600, { min: 600, max: 86_400 }),
  refreshTokenTtlS: integer("TOOL_SERVER_OAUTH_REFRESH_TOKEN_TTL_S", 2_592_000, { min: 600, max: 31_536_000 }),
};

function originProblems(origins: string[]): string[] {
  if (origins.length === 0)
    return [
      "TOOL_SERVER_OAUTH_REDIRECT_ORIGINS is missing: set it to Open WebUI's public address, e.g. https://chat.example.com",
    ];
  return origins
    .filter((origin) => !/^https?:\/\/[^/\s]+$/.test(origin))
    .map(
      (origin) => `TOOL_SERVER_OAUTH_REDIRECT_ORIGINS has "${origin}": give origins without a path, comma-separated`,
    );
}

/** Null unless GITHUB_OAUTH_CLIENT_ID is set; then every variable of the mode is checked. */
export function readOAuthConfig(env: Env): { oauth: OAuthConfig | null; problems: string[] } {
  const { values, problems } = readEnvFields(env, fields);
  if (!values.clientId) return { oauth: null, problems: [] };
  if (!values.clientSecret)
    problems.push(
      "GITHUB_OAUTH_CLIENT_SECRET is missing: copy the client secret of the GitHub app people sign in with",
    );
  if (values.secret.length < 32)
    problems.push(
      "TOOL_SERVER_OAUTH_SECRET is missing or shorter than 32 characters: set a long random value (openssl rand -hex 32)",
    );
  problems.push(...originProblems(values.redirectOrigins));
  return { oauth: values, problems };
}
