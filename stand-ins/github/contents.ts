import { createHash } from "node:crypto";
import { githubError, notFound, type Answer, type KitRepo, type KitRequest, type StandInKit } from "./stand-in-kit.ts";

/**
 * GET /repos/{o}/{r}/contents/{path}?ref=: files as base64 (empty with encoding "none" past 1 MB,
 * as GitHub answers for files from 1 to 100 MB) and directories as lists. Only the default
 * JSON media type: a raw or HTML `Accept` is not implemented and so unexpected.
 */

export interface StandInFile {
  owner: string;
  repo: string;
  path: string;
  content: string | Buffer;
  /** The branch; "main", the default branch, unless given. */
  ref?: string;
}

const docs = "https://docs.github.com/rest/repos/contents#get-repository-content";
const inlineLimit = 1024 * 1024;
const defaultBranch = "main";

const gitSha = (kind: string, data: Buffer) =>
  createHash("sha1").update(`${kind} ${data.length}\0`).update(data).digest("hex");

export function createContents(kit: StandInKit) {
  const branches = new Map<KitRepo, Map<string, Map<string, Buffer>>>();

  function branchesOf(repo: KitRepo) {
    let found = branches.get(repo);
    if (!found) branches.set(repo, (found = new Map()));
    return found;
  }

  /** A branch's files by the branch's name or its head commit's sha (derived from its content). */
  function filesAt(repo: KitRepo, ref: string): Map<string, Buffer> | undefined {
    const all = branchesOf(repo);
    return all.get(ref) ?? [...all.entries()].find(([name]) => commitSha(repo, name) === ref)?.[1];
  }

  function commitSha(repo: KitRepo, branch: string): string {
    const files = branchesOf(repo).get(branch) ?? new Map<string, Buffer>();
    const listing = [...files.entries()].map(([path, data]) => `${path}:${gitSha("blob", data)}`).join("\n");
    return gitSha("commit", Buffer.from(`${repo.owner}/${repo.name}@${branch}\n${listing}`));
  }

  function entryJson(repo: KitRepo, ref: string, path: string, type: "file" | "dir", data: Buffer) {
    const api = `${kit.base()}/repos/${repo.owner}/${repo.name}`;
    const encoded = path.split("/").map(encodeURIComponent).join("/");
    const sha = gitSha(type === "file" ? "blob" : "tree", data);
    const url = `${api}/contents/${encoded}?ref=${encodeURIComponent(ref)}`;
    const gitUrl = `${api}/git/${type === "file" ? "blobs" : "trees"}/${sha}`;
    const htmlUrl = `https://github.com/${repo.owner}/${repo.name}/${type === "file" ? "blob" : "tree"}/${ref}/${encoded}`;
    return {
      type,
      size: type === "file" ? data.length : 0,
      name: path.split("/").at(-1) ?? "",
      path,
      sha,
      url,
      git_url: gitUrl,
      html_url: htmlUrl,
      download_url:
        type === "file" ? `https://raw.githubusercontent.com/${repo.owner}/${repo.name}/${ref}/${encoded}` : null,
      _links: { self: url, git: gitUrl, html: htmlUrl },
    };
  }

  function fileJson(repo: KitRepo, ref: string, path: string, data: Buffer) {
    const inline = data.length <= inlineLimit;
    // GitHub wraps the base64 text at 60 characters, with a trailing newline.
    const base64 = data.toString("base64").replace(/(.{60})/g, "$1\n");
    return {
      ...entryJson(repo, ref, path, "file", data),
      encoding: inline ? "base64" : "none",
      content: inline ? (base64.endsWith("\n") || base64 === "" ? base64 : `${base64}\n`) : "",
    };
  }

  function listing(repo: KitRepo, ref: string, files: Map<string, Buffer>, dir: string) {
    const prefix = dir === "" ? "" : `${dir}/`;
    const entries = new Map<string, "file" | "dir">();
    for (const path of files.keys()) {
      if (!path.startsWith(prefix)) continue;
      const [name, ...deeper] = path.slice(prefix.length).split("/");
      entries.set(name!, deeper.length > 0 ? "dir" : "file");
    }
    return (
      [...entries.entries()]
        // Git's tree order: by bytes, so capitals first.
        .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
        .map(([name, type]) => {
          const path = `${prefix}${name}`;
          return entryJson(repo, ref, path, type, type === "file" ? files.get(path)! : Buffer.from(path));
        })
    );
  }

  function route(request: KitRequest): Answer | undefined {
    const [first, owner = "", name = "", kind, ...pathParts] = request.segments;
    if (first !== "repos" || kind !== "contents" || request.method !== "GET") return undefined;
    const accept = request.headers.accept ?? "";
    if (/vnd\.github[\w.-]*\.(raw|html|object)/.test(accept)) return undefined;
    const repo = kit.findRepo(owner, name);
    if (!repo) return notFound(docs);
    const ref = request.url.searchParams.get("ref") ?? defaultBranch;
    const files = filesAt(repo, ref);
    if (!files) return githubError(404, `No commit found for the ref ${ref}`, docs);
    const path = pathParts.join("/").replace(/\/+$/, "");
    const file = files.get(path);
    if (file) return { status: 200, body: fileJson(repo, ref, path, file) };
    const entries = listing(repo, ref, files, path);
    return path === "" || entries.length > 0 ? { status: 200, body: entries } : notFound(docs);
  }

  return {
    route,
    addFile(file: StandInFile) {
      const path = file.path.replace(/^\/+|\/+$/g, "");
      if (path === "" || path.split("/").some((p) => p === "" || p === "." || p === ".."))
        throw new Error(`github stand-in: a file path must be relative and plain, got ${JSON.stringify(file.path)}`);
      const repo = kit.repoFor(file.owner, file.repo);
      const all = branchesOf(repo);
      const ref = file.ref ?? defaultBranch;
      if (!all.has(ref)) all.set(ref, new Map());
      all.get(ref)!.set(path, typeof file.content === "string" ? Buffer.from(file.content) : file.content);
    },
    /** A branch's (or commit's) files by path, undefined when the ref does not exist. */
    filesAt: (repo: KitRepo, ref: string): ReadonlyMap<string, Buffer> | undefined => filesAt(repo, ref),
    defaultBranch,
    /** The commit a branch points at now (changes whenever its files do). */
    headSha: (owner: string, repo: string, branch = defaultBranch) => commitSha(kit.repoFor(owner, repo), branch),
  };
}
