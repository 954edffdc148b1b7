import { parse } from "yaml";
import { HttpError } from "../../lib/http-error.ts";
import type { ToolDependencies } from "../tool-definition.ts";
import { fromGitHub } from "./read-scope.ts";
import { readTextFile } from "./read-text-file.ts";

/** One input as a workflow declares it under `on.workflow_dispatch.inputs`. */
export interface DeclaredInput {
  required?: boolean;
  default?: unknown;
  type?: string;
  options?: unknown[];
}

export type InputValue = string | number | boolean;

/** Where a workflow file lives: GitHub runs only files in .github/workflows. */
export const workflowPath = (workflow: string) => `.github/workflows/${workflow}`;

/** The inputs the workflow file at `ref` declares for a manual run; refuses a file without that trigger. */
export async function readDeclaredInputs(
  deps: ToolDependencies,
  target: { owner: string; repo: string; workflow: string; ref: string },
): Promise<Record<string, DeclaredInput>> {
  const where = `workflow ${workflowPath(target.workflow)} at ${target.ref} in ${target.owner}/${target.repo}`;
  const { data } = await fromGitHub(where, () =>
    deps.github.rest.repos.getContent({
      owner: target.owner,
      repo: target.repo,
      path: workflowPath(target.workflow),
      ref: target.ref,
    }),
  );
  if (Array.isArray(data) || data.type !== "file") throw new HttpError(422, `${where} is not a file.`);
  let document: unknown;
  try {
    document = parse(readTextFile(data, where));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(422, `${where} is not valid YAML, so its inputs cannot be checked. Tell the user.`);
  }
  const on = (document as { on?: unknown } | null)?.on;
  const dispatchable =
    on === "workflow_dispatch" ||
    (Array.isArray(on) && on.includes("workflow_dispatch")) ||
    (typeof on === "object" && on !== null && "workflow_dispatch" in on);
  if (!dispatchable)
    throw new HttpError(422, `${where} has no workflow_dispatch trigger, so it cannot be run by hand. Do not retry.`);
  const inputs = (on as { workflow_dispatch?: { inputs?: unknown } | null }).workflow_dispatch?.inputs;
  return typeof inputs === "object" && inputs !== null ? (inputs as Record<string, DeclaredInput>) : {};
}

/**
 * The inputs as GitHub takes them (strings), after checking them against the declaration the way
 * GitHub would: every required input without a default given, no unknown ones, types respected.
 */
export function checkInputs(
  declared: Record<string, DeclaredInput>,
  given: Record<string, InputValue>,
): Record<string, string> {
  const problems: string[] = [];
  const unknown = Object.keys(given).filter((name) => !Object.hasOwn(declared, name));
  if (unknown.length > 0)
    problems.push(`unknown inputs ${unknown.join(", ")} (declared: ${Object.keys(declared).join(", ") || "none"})`);
  const checked: Record<string, string> = {};
  for (const [name, input] of Object.entries(declared)) {
    const value = given[name];
    if (value === undefined) {
      if (input?.required === true && input.default === undefined) problems.push(`input ${name} is required`);
      continue;
    }
    const text = asInputText(input ?? {}, value);
    if (text.ok) checked[name] = text.value;
    else problems.push(`input ${name} ${text.problem}`);
  }
  if (problems.length > 0)
    throw new HttpError(422, `The workflow's inputs do not fit: ${problems.join("; ")}. Fix them and call again.`);
  return checked;
}

type Checked = { ok: true; value: string } | { ok: false; problem: string };

function asInputText(input: DeclaredInput, value: InputValue): Checked {
  switch (input.type) {
    case "boolean":
      return value === true || value === false || value === "true" || value === "false"
        ? { ok: true, value: String(value) }
        : { ok: false, problem: `must be true or false, got ${JSON.stringify(value)}` };
    case "number":
      return (typeof value === "number" && Number.isFinite(value)) ||
        (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
        ? { ok: true, value: String(value).trim() }
        : { ok: false, problem: `must be a number, got ${JSON.stringify(value)}` };
    case "choice": {
      const options = (input.options ?? []).map(String);
      return options.includes(String(value))
        ? { ok: true, value: String(value) }
        : { ok: false, problem: `must be one of ${options.join(", ")}, got ${JSON.stringify(value)}` };
    }
    default:
      return typeof value === "string"
        ? { ok: true, value }
        : { ok: false, problem: `must be text (a string), got ${JSON.stringify(value)}` };
  }
}
