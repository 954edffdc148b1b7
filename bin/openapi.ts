// `npm run openapi`: writes the tool server's OpenAPI document to openapi/, where it is committed.
import { writeFile } from "node:fs/promises";
import { relative } from "node:path";
import { format, resolveConfig } from "prettier";
import { publishedDocumentPath, publishedOpenApiDocument } from "../tool-server/openapi/published-openapi-document.ts";

// Formatted as the project's formatter would, so its check passes on a freshly written file.
const options = (await resolveConfig(publishedDocumentPath)) ?? {};
const text = await format(JSON.stringify(publishedOpenApiDocument()), { ...options, filepath: publishedDocumentPath });
await writeFile(publishedDocumentPath, text);
process.stdout.write(`Wrote ${relative(process.cwd(), publishedDocumentPath)}.\n`);
