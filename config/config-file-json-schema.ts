import { fileURLToPath } from "node:url";
import { z } from "zod";
import { configFileSchema } from "./config-file-schema.ts";
import { repoConfigSchema } from "./repo-config-schema.ts";

/** Committed, so editors validate and complete the file (`# yaml-language-server: $schema=...`). */
export const publishedSchemaPath = fileURLToPath(new URL("../schema/openwebui-github.schema.json", import.meta.url));

/**
 * The file's JSON Schema, from the same zod schema the loader validates with. As written (`input`):
 * a key with a default may be left out.
 */
export function configFileJsonSchema() {
  return z.toJSONSchema(configFileSchema, { target: "draft-2020-12", io: "input" });
}

/** A repository's .github/openwebui-github.yml (docs/repository-config.md), published beside the deployment's. */
export const publishedRepoSchemaPath = fileURLToPath(
  new URL("../schema/repository-openwebui-github.schema.json", import.meta.url),
);

export function repoConfigJsonSchema() {
  return z.toJSONSchema(repoConfigSchema, { target: "draft-2020-12", io: "input" });
}
