import { HttpError } from "../../lib/http-error.ts";

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A signed body that is not a JSON object is the sender's mistake: 400 with what was wrong. */
export function parseJsonObject(body: Buffer): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, "The request body is not valid JSON.", { cause: error });
  }
  if (!isJsonObject(value)) throw new HttpError(400, "The request body is not a JSON object.");
  return value;
}

/** A string field the platform always sends; its absence means the payload is not the expected shape. */
export function requiredString(object: JsonObject, field: string, where: string): string {
  const value = object[field];
  if (typeof value !== "string" || value === "") throw new HttpError(400, `The ${where} has no "${field}".`);
  return value;
}

export function optionalString(object: JsonObject, field: string): string | null {
  const value = object[field];
  return typeof value === "string" && value !== "" ? value : null;
}
