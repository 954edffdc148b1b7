import type { IncomingHttpHeaders } from "node:http";

/**
 * What the GitHub stand-in's endpoint groups (labels, search, pull requests, contents) share with
 * its core: the seeded repositories and issues, the clock and GitHub's JSON shapes. Each group is
 * a file in stand-ins/github/ so the core stays readable.
 */

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Bodies that are not JSON (GitHub's proxies answer some errors in HTML). */
  raw?: { contentType: string; text: string };
}

export interface KitUser {
  login: string;
  id: number;
  type: string;
}

export interface KitIssue {
  id: number;
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  labels: string[];
  user: KitUser;
  author_association: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** Set for a pull request: GitHub numbers pull requests and issues in one sequence. */
  pullRequest?: boolean;
}

export interface KitRepo {
  id: number;
  owner: string;
  name: string;
  issues: Map<number, KitIssue>;
}

export interface KitCaller {
  user: KitUser;
  canWrite: boolean;
  /** Authenticated as the GitHub App itself (a JWT), which may use only /app endpoints. */
  app?: boolean;
}

export interface KitRequest {
  method: string;
  /** The path's segments after the leading slash, each decoded. */
  segments: string[];
  url: URL;
  headers: IncomingHttpHeaders;
  raw: string;
  caller: KitCaller;
}

export interface StandInKit {
  /** The stand-in's API base URL, no trailing slash. */
  base(): string;
  /** A timestamp in GitHub's format, later than every one before. */
  now(): string;
  user(login: string, type?: string): KitUser;
  userJson(user: KitUser): Record<string, unknown>;
  findRepo(owner: string, name: string): KitRepo | undefined;
  /** The repository, created empty when it was not seeded yet. */
  repoFor(owner: string, name: string): KitRepo;
  issueJson(issue: KitIssue): Record<string, unknown>;
}

export function githubError(
  status: number,
  message: string,
  documentationUrl: string,
  extra: Record<string, unknown> = {},
): Answer {
  return { status, body: { message, ...extra, documentation_url: documentationUrl, status: String(status) } };
}

export const notFound = (documentationUrl: string) => githubError(404, "Not Found", documentationUrl);

/** GitHub's "Validation Failed" answer, with one error per problem. */
export function validationFailed(documentationUrl: string, errors: Record<string, unknown>[]): Answer {
  return githubError(422, "Validation Failed", documentationUrl, { errors });
}

// GitHub refuses numbers like "abc", "0" or "07" in these paths.
export function parseNumber(segment: string | undefined): number | undefined {
  return segment !== undefined && /^[1-9]\d{0,15}$/.test(segment) ? Number(segment) : undefined;
}

/** `per_page` and `page` as GitHub reads them: per_page 1 to 100 (default 30), page from 1. */
export function pageOf(url: URL, maxPerPage = 100): { perPage: number; page: number } {
  const perPageParam = url.searchParams.get("per_page");
  const pageParam = url.searchParams.get("page");
  const asked = perPageParam !== null && /^\d+$/.test(perPageParam) ? Number(perPageParam) : 30;
  const page = pageParam !== null && /^\d+$/.test(pageParam) && Number(pageParam) >= 1 ? Number(pageParam) : 1;
  return { perPage: Math.min(Math.max(asked, 1), maxPerPage), page };
}

/** GitHub's Link header for a paged list: prev, next, last and first, as Octokit's paginate reads them. */
export function linkHeader(base: string, url: URL, page: number, lastPage: number): Record<string, string> {
  const pageUrl = (n: number) => {
    const next = new URL(`${base}${url.pathname}`);
    for (const [key, value] of url.searchParams) if (key !== "page") next.searchParams.append(key, value);
    next.searchParams.set("page", String(n));
    return next.href;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
  return links.length > 0 ? { link: links.join(", ") } : {};
}

/** Checks a JSON write's Content-Type and parses it; answers GitHub's error when it cannot. */
export function parseJsonBody(
  headers: IncomingHttpHeaders,
  raw: string,
  documentationUrl: string,
): { json: unknown } | Answer {
  // Stricter than GitHub, which parses JSON whatever the Content-Type: every client we use declares it.
  if (!/^application\/(?:vnd\.github[\w.+-]*\+)?json\s*(?:;|$)/i.test(headers["content-type"] ?? "")) {
    return githubError(415, "Unsupported 'Content-Type' header (stand-in: send application/json)", documentationUrl);
  }
  try {
    return { json: JSON.parse(raw) as unknown };
  } catch {
    return githubError(400, "Problems parsing JSON", documentationUrl);
  }
}
