import type { z } from "zod";
import { HttpError } from "../lib/http-error.ts";

type Issue = z.core.$ZodIssue;

function valueAt(body: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let value: unknown = body;
  for (const key of path)
    value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function kindOf(value: unknown): string {
  return Array.isArray(value) ? "an array" : typeof value;
}

// Says what to send instead, in words a model acts on; the description repeats what the field means.
function explain(issue: Issue, value: unknown, description: string): string {
  const field = `Field "${issue.path.join(".")}"`;
  if (value === undefined) return `${field} is required: ${description}`;
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "int" || issue.expected === "number")
        return `${field} must be a whole number, got ${JSON.stringify(value)?.slice(0, 100)}.`;
      return `${field} must be a ${issue.expected}, got ${kindOf(value)}.`;
    case "too_small":
      return issue.origin === "string"
        ? `${field} must have at least ${issue.minimum} characters.`
        : `${field} must be at least ${issue.minimum}.`;
    case "too_big":
      if (issue.origin !== "string") return `${field} must be at most ${issue.maximum}.`;
      return `${field} is too long (${(value as string).length} characters, at most ${issue.maximum}). Shorten it and call again.`;
    case "invalid_format":
      return `${field} has an invalid value ${JSON.stringify(String(value).slice(0, 100))}: ${description}`;
    default:
      return `${field} is invalid (${issue.message}): ${description}`;
  }
}

/**
 * Checks a tool call's JSON body against the tool's input schema. Unknown fields are dropped on
 * purpose: Open WebUI (up to 0.11.3) puts every argument in the body. Messages name the field and
 * say what to send instead, because the reader is usually a model that will retry.
 */
export function validateInput<I extends z.ZodObject>(schema: I, body: unknown): z.output<I> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "The request body must be a JSON object with the tool's arguments.");
  }
  // Models send null or "" for an argument they leave out: both mean absent.
  const present = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null && value !== ""));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    const top = issue.path[0];
    const description = (typeof top === "string" ? schema.shape[top]?.description : undefined) ?? "";
    return explain(issue, valueAt(present, issue.path), description);
  });
  throw new HttpError(400, messages.join(" "));
}
