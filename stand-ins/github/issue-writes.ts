import {
  githubError,
  notFound,
  parseJsonBody,
  validationFailed,
  type Answer,
  type KitIssue,
  type KitRepo,
  type KitRequest,
  type StandInKit,
} from "./stand-in-kit.ts";

/**
 * POST /repos/{o}/{r}/issues: a new issue numbered after the repository's issues and pull requests,
 * its labels created when missing (as GitHub does for a caller with push access). Only `title`,
 * `body` and `labels` are implemented; any other field is unexpected. Counts against the content limits.
 */

interface Hooks {
  /** Stores a new issue in the repository as the core seeds one. */
  store(issue: Omit<KitIssue, "id" | "created_at" | "updated_at" | "closed_at">): KitIssue;
  ensureLabels(repo: KitRepo, names: readonly string[]): void;
  /** The secondary rate limit's answer when content creation is over its limits now, else undefined (and counted). */
  contentLimited(): Answer | undefined;
}

const docs = "https://docs.github.com/rest/issues/issues#create-an-issue";
const maxTitleLength = 256;
const maxBodyLength = 65_536;
const known = new Set(["title", "body", "labels"]);

type Fields = { title: string; body: string | null; labels: string[] };

function fieldsOf(json: unknown): Fields | Answer | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return githubError(400, "Problems parsing JSON", docs);
  if (Object.keys(json).some((key) => !known.has(key))) return undefined;
  const { title, body, labels } = json as { title?: unknown; body?: unknown; labels?: unknown };
  const invalid = (field: string, code = "invalid") => validationFailed(docs, [{ resource: "Issue", code, field }]);
  if (title === undefined || title === null || title === "") return invalid("title", "missing_field");
  if (typeof title !== "string" && !Number.isInteger(title)) return invalid("title");
  if (String(title).length > maxTitleLength)
    return validationFailed(docs, [
      { resource: "Issue", code: "custom", field: "title", message: "title is too long (maximum is 256 characters)" },
    ]);
  if (body !== undefined && body !== null && typeof body !== "string") return invalid("body");
  if (typeof body === "string" && body.length > maxBodyLength)
    return validationFailed(docs, [
      { resource: "Issue", code: "custom", field: "body", message: "body is too long (maximum is 65536 characters)" },
    ]);
  // GitHub also takes label objects; the stand-in refuses them until a client sends them.
  if (labels !== undefined && (!Array.isArray(labels) || !labels.every((l) => typeof l === "string" && l !== "")))
    return invalid("labels");
  return { title: String(title), body: (body as string | undefined) ?? null, labels: (labels as string[]) ?? [] };
}

export function createIssueWrites(kit: StandInKit, hooks: Hooks) {
  function create(request: KitRequest, repo: KitRepo): Answer | undefined {
    const parsed = parseJsonBody(request.headers, request.raw, docs);
    if (!("json" in parsed)) return parsed;
    const fields = fieldsOf(parsed.json);
    if (fields === undefined || "status" in fields) return fields;
    const limited = hooks.contentLimited();
    if (limited) return limited;
    hooks.ensureLabels(repo, fields.labels);
    const number = Math.max(0, ...repo.issues.keys()) + 1;
    const author = request.caller.user;
    const issue = hooks.store({
      owner: repo.owner,
      repo: repo.name,
      number,
      ...fields,
      labels: [...new Set(fields.labels)],
      state: "open",
      user: author,
      author_association: author.login.toLowerCase() === repo.owner.toLowerCase() ? "OWNER" : "COLLABORATOR",
    });
    const body = kit.issueJson(issue);
    return { status: 201, body, headers: { location: String(body.url) } };
  }

  function route(request: KitRequest): Answer | undefined {
    const [first, owner = "", name = "", kind, ...rest] = request.segments;
    if (first !== "repos" || kind !== "issues" || rest.length > 0 || request.method !== "POST") return undefined;
    if (!request.caller.canWrite) return githubError(403, "Resource not accessible by personal access token", docs);
    const repo = kit.findRepo(owner, name);
    return repo ? create(request, repo) : notFound(docs);
  }

  return { route };
}
