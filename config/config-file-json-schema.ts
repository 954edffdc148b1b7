import { fileURLToPath } from "node:url";
import { z } from "zod";
import { configFileSchema } from "./config-file-schema.ts";

/** Committed, so editors validate and complete the file (`# yaml-language-server: $schema=...`). */
export const publishedSchemaPath = fileURLToPath(new URL("../schema/openwebui-github.schema.json", import.meta.url));

/**
 * The file's JSON Schema, from the same zod schema the loader validates with. As written (`input`):
 * a key with a default may be left out.
 */
export function configFileJsonSchema() {
  return z.toJSONSchema(configFileSchema, { target: "draft-2020-12", io: "input" });
}
