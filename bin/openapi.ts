// `npm run openapi`: writes the tool server's OpenAPI document to openapi/, where it is committed
// (the npm script then formats it with the project's formatter).
import { writeFile } from "node:fs/promises";
import { relative } from "node:path";
import { publishedDocumentPath, publishedOpenApiDocument } from "../tool-server/openapi/published-openapi-document.ts";

await writeFile(publishedDocumentPath, `${JSON.stringify(publishedOpenApiDocument(), null, 2)}\n`);
process.stdout.write(`Wrote ${relative(process.cwd(), publishedDocumentPath)}.\n`);
