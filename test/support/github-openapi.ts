import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";

/**
 * Checks a stand-in's answers against GitHub's own OpenAPI description of api.github.com
 * (`@octokit/openapi`), so the stand-in cannot drift from the real API's shapes.
 */
const documentId = "https://api.github.com/openapi.json";

interface Response {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
}

interface Operation {
  responses: Record<string, Response>;
}

// The formats GitHub's schemas use, checked here rather than through a package the project does not list.
const formats: Record<string, (value: string) => boolean> = {
  uri: (value) => URL.canParse(value),
  "uri-template": () => true,
  "date-time": (value) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)),
  date: (value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)),
  email: (value) => /^[^\s@]+@[^\s@]+$/.test(value),
};

let loaded:
  { ajv: Ajv; paths: Record<string, Record<string, Operation>>; responses: Record<string, Response> } | undefined;
const compiled = new Map<string, ValidateFunction>();

function load() {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const document = require("@octokit/openapi/generated/api.github.com.json") as {
    paths: Record<string, Record<string, Operation>>;
    components: { responses: Record<string, Response> };
  };
  // Examples and x- keywords are not JSON Schema, so strict mode is off.
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
  ajv.addFormat("int64", { type: "number", validate: (value: number) => Number.isInteger(value) });
  ajv.addSchema({ $id: documentId, components: withoutNullable(document.components) });
  loaded = { ajv, paths: document.paths, responses: document.components.responses };
  return loaded;
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema says it: null is one more allowed type. */
function withoutNullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutNullable);
  if (typeof schema !== "object" || schema === null) return schema;
  const { nullable, ...rest } = schema as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, withoutNullable(value)]));
  if (nullable !== true) return converted;
  if (typeof converted.type === "string") {
    const { enum: allowed, ...typed } = converted;
    return {
      ...typed,
      type: [converted.type, "null"],
      ...(Array.isArray(allowed) ? { enum: [...allowed, null] } : {}),
    };
  }
  return { anyOf: [converted, { type: "null" }] };
}

/** The document's path template for a concrete URL (Octokit's paginate sends the next pages' full URLs). */
function templateOf(paths: Record<string, unknown>, url: string): string {
  if (url in paths) return url;
  const path = new URL(url, "http://x").pathname;
  const found = Object.keys(paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path),
  );
  return found ?? url;
}

function pointer(...parts: string[]) {
  return parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
}

/**
 * Throws unless `body` is what GitHub's document says `METHOD route` answers with `status`.
 * `route` is the path template as Octokit and the document write it ("/repos/{owner}/{repo}/..."),
 * or a concrete URL; answers the template it checked against.
 */
export function assertGitHubShape(method: string, route: string, status: number, body: unknown): string {
  const { ajv, paths, responses } = load();
  route = templateOf(paths, route);
  const operation = paths[route]?.[method.toLowerCase()];
  if (!operation) throw new Error(`GitHub's OpenAPI document has no operation ${method} ${route}`);
  const listed = operation.responses[String(status)];
  // Shared answers (not_found, validation_failed) are references into the components.
  let response = listed?.$ref ? responses[listed.$ref.replace("#/components/responses/", "")] : listed;
  // The document leaves out errors GitHub does answer (403 without permission, 404 for a missing pull
  // request's files); those carry GitHub's basic error.
  if (!response && status >= 400) response = responses.not_found;
  if (!response) throw new Error(`GitHub's OpenAPI document lists no ${status} answer for ${method} ${route}`);
  const schema = response.content?.["application/json"]?.schema;
  if (schema === undefined) {
    if (body === undefined || body === "" || body === null) return route;
    throw new Error(`GitHub answers ${method} ${route} ${status} without a body, the stand-in sent one`);
  }
  const key = `${method} ${route} ${status}`;
  let validate = compiled.get(key);
  if (!validate) {
    // The schema's "#/components/..." references resolve against the added document.
    validate = ajv.compile({
      $id: `${documentId}/${pointer(method, route, String(status))}`,
      ...(withoutNullable(asRefBase(schema)) as object),
    });
    compiled.set(key, validate);
  }
  if (!validate(body)) {
    const errors = (validate.errors ?? [])
      .slice(0, 10)
      .map((e) => `${e.instancePath || "(root)"} ${e.message} ${JSON.stringify(e.params)}`);
    throw new Error(`The stand-in's answer to ${key} is not GitHub's shape:\n${errors.join("\n")}`);
  }
  return route;
}

// Rewrites local references to point into the document's components.
function asRefBase(schema: unknown): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(schema).replaceAll('"$ref":"#/components/', `"$ref":"${documentId}#/components/`),
  ) as Record<string, unknown>;
}
