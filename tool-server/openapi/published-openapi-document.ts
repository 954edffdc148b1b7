import { fileURLToPath } from "node:url";
import { toolRegistry } from "../tool-registry.ts";
import { buildOpenApiDocument } from "./build-openapi-document.ts";
import { toolServerInfo } from "./tool-server-info.ts";

/** Committed, so a reader or another client sees the tools without running the server. */
export const publishedDocumentPath = fileURLToPath(new URL("../../openapi/tool-server.openapi.json", import.meta.url));

/** The registry's document as `npm run openapi` writes it; a test fails when the committed file differs. */
export function publishedOpenApiDocument() {
  return buildOpenApiDocument(toolRegistry, toolServerInfo());
}
