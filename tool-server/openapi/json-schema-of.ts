import type { SchemaObject } from "openapi3-ts/oas31";
import { z } from "zod";

// zod spells out what the format already says (a date-time regex, JavaScript's safe integer range);
// left out, the document stays readable for the people and models who read it.
function dropNoise({ jsonSchema }: { jsonSchema: z.core.JSONSchema.BaseSchema }) {
  if (jsonSchema.format !== undefined) delete jsonSchema.pattern;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
}

/**
 * A schema as OpenAPI 3.1 (JSON Schema 2020-12) shows it: `input` for what a caller sends (other
 * fields allowed), `output` for what the server answers (no other fields).
 */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): SchemaObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12", override: dropNoise });
  // The two types describe the same JSON Schema dialect; openapi3-ts's is the narrower spelling.
  const document = rest as SchemaObject;
  if (io === "input") allowNullWhereOptional(document);
  return document;
}

/**
 * Models send null for an argument they leave out, and validateInput takes it as absent: the document
 * says so, so that what it shows as valid is what the server accepts (Schemathesis checks both ways).
 */
function allowNullWhereOptional(document: SchemaObject) {
  const required = new Set(document.required ?? []);
  for (const [name, property] of Object.entries(document.properties ?? {})) {
    const field = property as SchemaObject;
    if (required.has(name) || typeof field.type !== "string") continue;
    field.type = [field.type, "null"];
    if (field.enum) field.enum = [...field.enum, null];
  }
}
