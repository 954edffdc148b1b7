import { parse } from "yaml";
import {
  githubError,
  notFound,
  parseJsonBody,
  type Answer,
  type KitRepo,
  type KitRequest,
  type StandInKit,
} from "./stand-in-kit.ts";

/**
 * POST /repos/{o}/{r}/actions/workflows/{file}/dispatches: a manual run of a workflow file seeded
 * with addFile under .github/workflows. Answers 204 and records the run; 404 for a workflow not on
 * the default branch, 422 for a ref that does not exist, a file without the trigger, or inputs the
 * file does not declare as given. Workflows by numeric id and `return_run_details` are not implemented.
 */

export interface StandInDispatch {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
}

interface Input {
  required?: boolean;
  default?: unknown;
  type?: string;
  options?: unknown[];
}

type Files = { filesAt(repo: KitRepo, ref: string): ReadonlyMap<string, Buffer> | undefined; defaultBranch: string };

const docs = "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event";
const maxInputs = 25;

/** The `inputs` of the file's workflow_dispatch trigger, or null when it has no such trigger. */
function declaredInputs(text: string): Record<string, Input> | null {
  let on: unknown;
  try {
    on = (parse(text) as { on?: unknown } | null)?.on;
  } catch {
    return null;
  }
  if (on === "workflow_dispatch" || (Array.isArray(on) && on.includes("workflow_dispatch"))) return {};
  if (typeof on !== "object" || on === null || !("workflow_dispatch" in on)) return null;
  const inputs = (on as { workflow_dispatch?: { inputs?: Record<string, Input> } | null }).workflow_dispatch?.inputs;
  return inputs ?? {};
}

// What GitHub refuses in given inputs, with messages shaped like its own.
function inputProblem(declared: Record<string, Input>, given: Record<string, unknown>): string | undefined {
  const unexpected = Object.keys(given).filter((name) => !Object.hasOwn(declared, name));
  if (unexpected.length > 0) return `Unexpected inputs provided: ${JSON.stringify(unexpected)}`;
  for (const [name, input] of Object.entries(declared)) {
    const value = given[name];
    if (value === undefined) {
      if (input?.required && input.default === undefined) return `Required input '${name}' not provided`;
      continue;
    }
    if (typeof value === "object" && value !== null) return `Provided value for input '${name}' is not a scalar`;
    const text = String(value);
    if (input?.type === "choice" && !(input.options ?? []).map(String).includes(text))
      return `Provided value '${text}' for input '${name}' not in the list of allowed values`;
    if (input?.type === "boolean" && text !== "true" && text !== "false")
      return `Provided value '${text}' for input '${name}' is not a boolean`;
    if (input?.type === "number" && (text.trim() === "" || !Number.isFinite(Number(text))))
      return `Provided value '${text}' for input '${name}' is not a number`;
  }
  return undefined;
}

export function createWorkflows(kit: StandInKit, files: Files) {
  const dispatches: StandInDispatch[] = [];

  function dispatch(request: KitRequest, repo: KitRepo, workflow: string): Answer | undefined {
    const parsed = parseJsonBody(request.headers, request.raw, docs);
    if (!("json" in parsed)) return parsed;
    const body = parsed.json as { ref?: unknown; inputs?: unknown; return_run_details?: unknown } | null;
    if (typeof body !== "object" || body === null || Array.isArray(body))
      return githubError(422, "Invalid request.\n\nFor 'links/0/schema', expected an object.", docs);
    if (body.return_run_details !== undefined) return undefined;
    const extra = Object.keys(body).filter((key) => key !== "ref" && key !== "inputs");
    if (extra.length > 0) return undefined;
    if (typeof body.ref !== "string" || body.ref === "")
      return githubError(422, 'Invalid request.\n\n"ref" wasn\'t supplied.', docs);
    const inputs = body.inputs ?? {};
    if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs))
      return githubError(422, "Invalid request.\n\nFor 'inputs', expected an object.", docs);
    if (Object.keys(inputs).length > maxInputs)
      return githubError(
        422,
        `you may only define up to ${maxInputs} \`inputs\` for a \`workflow_dispatch\` event`,
        docs,
      );
    const path = `.github/workflows/${workflow}`;
    if (!files.filesAt(repo, files.defaultBranch)?.has(path)) return notFound(docs);
    const ref = body.ref.replace(/^refs\/heads\//, "");
    const atRef = files.filesAt(repo, ref);
    if (!atRef) return githubError(422, `No ref found for: ${body.ref}`, docs);
    const file = atRef.get(path);
    const declared = file ? declaredInputs(file.toString("utf8")) : null;
    if (!declared) return githubError(422, "Workflow does not have 'workflow_dispatch' trigger", docs);
    const problem = inputProblem(declared, inputs as Record<string, unknown>);
    if (problem) return githubError(422, problem, docs);
    dispatches.push({ owner: repo.owner, repo: repo.name, workflow, ref, inputs: { ...inputs } });
    return { status: 204, body: undefined };
  }

  function route(request: KitRequest): Answer | undefined {
    const [first, owner = "", name = "", kind, sub, workflow, action, ...rest] = request.segments;
    const matches = first === "repos" && kind === "actions" && sub === "workflows" && action === "dispatches";
    if (!matches || workflow === undefined || rest.length > 0 || request.method !== "POST") return undefined;
    if (!request.caller.canWrite) return githubError(403, "Resource not accessible by personal access token", docs);
    const repo = kit.findRepo(owner, name);
    return repo ? dispatch(request, repo, workflow) : notFound(docs);
  }

  return { route, dispatches: () => dispatches.map((d) => ({ ...d, inputs: { ...d.inputs } })) };
}
