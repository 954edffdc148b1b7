import { HttpError } from "../lib/http-error.ts";
import type { Fields, InputOf } from "./tool-definition.ts";

// The tools' patterns are fixed: each is compiled once, not on every call.
const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let regex = patterns.get(pattern);
  if (!regex) patterns.set(pattern, (regex = new RegExp(pattern)));
  return regex;
}

/**
 * Checks a tool call's JSON body against the tool's fields. Unknown fields are
 * ignored on purpose: Open WebUI (up to 0.11.3) puts every argument in the body.
 * Messages name the field and say what to send instead, because the reader is
 * usually a model that will retry.
 */
export function validateInput<F extends Fields>(fields: F, body: unknown): InputOf<F> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "The request body must be a JSON object with the tool's arguments.");
  }
  const source = body as Record<string, unknown>;
  const result: Record<string, string | number> = {};
  for (const [name, spec] of Object.entries(fields)) {
    let value = source[name];
    if (value === undefined || value === null || value === "") {
      if (spec.required) throw new HttpError(400, `Field "${name}" is required: ${spec.description}`);
      continue;
    }
    if (spec.type === "integer") {
      // Models often send numbers as strings ("42"); accept those, nothing looser.
      if (typeof value === "string" && /^\d+$/.test(value.trim())) value = Number(value.trim());
      if (typeof value !== "number" || !Number.isSafeInteger(value)) {
        throw new HttpError(400, `Field "${name}" must be a whole number, got ${JSON.stringify(value)}.`);
      }
      if (spec.minimum !== undefined && value < spec.minimum) throw new HttpError(400, `Field "${name}" must be at least ${spec.minimum}.`);
      if (spec.maximum !== undefined && value > spec.maximum) throw new HttpError(400, `Field "${name}" must be at most ${spec.maximum}.`);
      result[name] = value;
      continue;
    }
    if (typeof value !== "string") {
      throw new HttpError(400, `Field "${name}" must be a string, got ${Array.isArray(value) ? "an array" : typeof value}.`);
    }
    if (spec.minLength !== undefined && value.length < spec.minLength) throw new HttpError(400, `Field "${name}" must have at least ${spec.minLength} characters.`);
    if (spec.maxLength !== undefined && value.length > spec.maxLength) {
      throw new HttpError(400, `Field "${name}" is too long (${value.length} characters, at most ${spec.maxLength}). Shorten it and call again.`);
    }
    if (spec.pattern !== undefined && !compiled(spec.pattern).test(value)) {
      throw new HttpError(400, `Field "${name}" has an invalid value ${JSON.stringify(value.slice(0, 100))}: ${spec.description}`);
    }
    result[name] = value;
  }
  return result as InputOf<F>;
}
