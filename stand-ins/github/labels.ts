import {
  githubError,
  linkHeader,
  notFound,
  pageOf,
  parseJsonBody,
  parseNumber,
  validationFailed,
  type Answer,
  type KitRepo,
  type KitRequest,
  type StandInKit,
} from "./stand-in-kit.ts";

/** A repository's labels, and adding labels to an issue as GitHub does (unknown names are created). */

export interface StandInLabel {
  owner: string;
  repo: string;
  name: string;
  color?: string;
  description?: string | null;
}

interface Label {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

const docs = {
  list: "https://docs.github.com/rest/issues/labels#list-labels-for-a-repository",
  get: "https://docs.github.com/rest/issues/labels#get-a-label",
  add: "https://docs.github.com/rest/issues/labels#add-labels-to-an-issue",
  listOnIssue: "https://docs.github.com/rest/issues/labels#list-labels-for-an-issue",
};
const maxNameLength = 50;

export function createLabels(kit: StandInKit) {
  const byRepo = new Map<KitRepo, Label[]>();
  let nextId = 208_045_001;

  function labelsOf(repo: KitRepo): Label[] {
    let labels = byRepo.get(repo);
    if (!labels) byRepo.set(repo, (labels = []));
    return labels;
  }

  // Label names are case-insensitive on GitHub: "Bug" applies the existing "bug".
  function find(repo: KitRepo, name: string): Label | undefined {
    return labelsOf(repo).find((l) => l.name.toLowerCase() === name.toLowerCase());
  }

  function ensure(repo: KitRepo, name: string, color = "ededed", description: string | null = null): Label {
    const found = find(repo, name);
    if (found) return found;
    const label = { id: nextId++, name, color, description };
    labelsOf(repo).push(label);
    return label;
  }

  function labelJson(repo: KitRepo, label: Label) {
    return {
      id: label.id,
      node_id: `LA_standin${label.id}`,
      url: `${kit.base()}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: false,
      description: label.description,
    };
  }

  /** The names a body of POST .../labels asks for, or GitHub's error. */
  function askedNames(request: KitRequest): string[] | Answer {
    const parsed = parseJsonBody(request.headers, request.raw, docs.add);
    if (!("json" in parsed)) return parsed;
    const { json } = parsed;
    // GitHub also takes `{labels: [{name}]}` and a bare string; the stand-in refuses those until a client sends them.
    const names = Array.isArray(json) ? json : (json as { labels?: unknown } | null)?.labels;
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === "string"))
      return githubError(
        422,
        "Invalid request.\n\nFor 'labels', expected a non-empty array of strings (stand-in).",
        docs.add,
      );
    const tooLong = names.find((n) => n.length > maxNameLength || n.trim() === "");
    if (tooLong !== undefined)
      return validationFailed(docs.add, [{ resource: "Label", code: "invalid", field: "name", value: tooLong }]);
    return names;
  }

  function issueLabels(request: KitRequest, repo: KitRepo): Answer | undefined {
    const [, , , , numberText, , ...rest] = request.segments;
    const number = parseNumber(numberText);
    if (number === undefined || rest.length > 0) return undefined;
    const issue = repo.issues.get(number);
    const current = () => issue!.labels.map((name) => labelJson(repo, ensure(repo, name)));
    if (request.method === "GET") return issue ? { status: 200, body: current() } : notFound(docs.listOnIssue);
    if (request.method !== "POST") return undefined;
    if (!request.caller.canWrite) return githubError(403, "Resource not accessible by personal access token", docs.add);
    const names = askedNames(request);
    if (!Array.isArray(names)) return names;
    if (!issue) return notFound(docs.add);
    for (const name of names) {
      const label = ensure(repo, name);
      if (!issue.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) issue.labels.push(label.name);
    }
    issue.updated_at = kit.now();
    return { status: 200, body: current() };
  }

  function repoLabels(request: KitRequest, repo: KitRepo, name: string | undefined): Answer | undefined {
    if (request.method !== "GET") return undefined;
    if (name !== undefined) {
      const label = find(repo, name);
      return label ? { status: 200, body: labelJson(repo, label) } : notFound(docs.get);
    }
    const { perPage, page } = pageOf(request.url);
    const all = labelsOf(repo);
    const lastPage = Math.max(Math.ceil(all.length / perPage), 1);
    return {
      status: 200,
      body: all.slice((page - 1) * perPage, page * perPage).map((l) => labelJson(repo, l)),
      headers: linkHeader(kit.base(), request.url, page, lastPage),
    };
  }

  /** GET /repos/{o}/{r}/labels[/{name}], GET and POST /repos/{o}/{r}/issues/{n}/labels. */
  function route(request: KitRequest): Answer | undefined {
    const [first, owner = "", name = "", kind, fourth, fifth, ...rest] = request.segments;
    if (first !== "repos") return undefined;
    const isRepoLabels = kind === "labels" && fifth === undefined;
    const isIssueLabels = kind === "issues" && fifth === "labels";
    if (!isRepoLabels && !isIssueLabels) return undefined;
    const repo = kit.findRepo(owner, name);
    if (!repo) return notFound(isRepoLabels ? docs.list : docs.add);
    return isRepoLabels
      ? repoLabels(request, repo, fourth)
      : rest.length === 0
        ? issueLabels(request, repo)
        : undefined;
  }

  return {
    route,
    /** Seeds a label in a repository (seeding an issue with labels creates them too, as they exist on GitHub). */
    addLabel(label: StandInLabel) {
      const repo = kit.repoFor(label.owner, label.repo);
      const found = find(repo, label.name);
      if (found) Object.assign(found, { color: label.color ?? found.color, description: label.description ?? null });
      else ensure(repo, label.name, label.color, label.description ?? null);
    },
    ensure: (repo: KitRepo, names: readonly string[]) => names.forEach((n) => ensure(repo, n)),
    labelJson: (repo: KitRepo, name: string) => labelJson(repo, ensure(repo, name)),
    names: (owner: string, repo: string) => labelsOf(kit.repoFor(owner, repo)).map((l) => l.name),
  };
}
