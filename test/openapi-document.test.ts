import { Validator } from "@seriousme/openapi-schema-validator";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { publishedDocumentPath, publishedOpenApiDocument } from "../tool-server/openapi/published-openapi-document.ts";
import { toolRegistry } from "../tool-server/tool-registry.ts";

const document = publishedOpenApiDocument();

type Schema = { $ref?: string; description?: string; properties?: Record<string, Schema>; items?: Schema };

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  return document.components!.schemas![name] as Schema;
}

function undescribed(schema: Schema, path: string): string[] {
  const s = resolve(schema);
  const missing: string[] = [];
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    const resolved = resolve(child);
    if (!resolved.description) missing.push(`${path}.${name}`);
    missing.push(...undescribed(resolved, `${path}.${name}`));
  }
  return missing;
}

describe("the tool server's OpenAPI document", () => {
  it("is published in openapi/ as the registry builds it (run npm run openapi after changing a tool)", () => {
    const published = JSON.parse(readFileSync(publishedDocumentPath, "utf8")) as unknown;
    expect(published, "openapi/tool-server.openapi.json is out of date: run npm run openapi and commit it").toEqual(
      document,
    );
  });

  it("passes a real OpenAPI 3.1 validator", async () => {
    const result = await new Validator().validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe("3.1.0");
  });

  it("has one POST operation per registered tool, named by operationId, with a bearer scheme", () => {
    expect(Object.keys(document.paths!).sort()).toEqual(toolRegistry.map((t) => `/${t.name}`).sort());
    expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    for (const tool of toolRegistry) {
      const operation = document.paths![`/${tool.name}`]!.post!;
      expect(operation.operationId).toBe(tool.name);
      expect(operation.operationId).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(operation.security).toEqual([{ bearer: [] }]);
    }
  });

  it("describes every operation and every input and output field, for the model", () => {
    for (const tool of toolRegistry) {
      const operation = document.paths![`/${tool.name}`]!.post!;
      expect(operation.description?.length).toBeGreaterThan(40);
      const input = (operation.requestBody as { content: Record<string, { schema: Schema }> }).content[
        "application/json"
      ]!.schema;
      const output = (operation.responses!["200"] as { content: Record<string, { schema: Schema }> }).content[
        "application/json"
      ]!.schema;
      expect(undescribed(input, tool.name)).toEqual([]);
      expect(undescribed(output, tool.name)).toEqual([]);
      expect(Object.keys(resolve(input).properties ?? {}).length).toBeGreaterThan(0);
    }
  });

  it("offers get_issue and post_issue_comment with the fields Open WebUI will ask the model for", () => {
    const fields = (name: string) => Object.keys(resolve({ $ref: `#/components/schemas/${name}` }).properties ?? {});
    expect(fields("GetIssueInput")).toEqual(["owner", "repo", "issue_number"]);
    expect(fields("PostIssueCommentInput")).toEqual(["owner", "repo", "issue_number", "body"]);
  });

  it("offers the triage, pull request and file tools with the fields their descriptions name", () => {
    const fields = (name: string) => Object.keys(resolve({ $ref: `#/components/schemas/${name}` }).properties ?? {});
    const required = (name: string) =>
      (resolve({ $ref: `#/components/schemas/${name}` }) as { required?: string[] }).required;
    expect(fields("ListIssueCommentsInput")).toEqual(["owner", "repo", "issue_number", "page", "per_page"]);
    expect(fields("SearchIssuesInput")).toEqual(["owner", "repo", "query", "state", "kind", "page"]);
    expect(required("SearchIssuesInput")).toEqual(["owner", "repo", "query"]);
    expect(fields("AddLabelsInput")).toEqual(["owner", "repo", "issue_number", "labels"]);
    expect(fields("GetPullRequestInput")).toEqual(["owner", "repo", "pull_number"]);
    expect(fields("GetPullRequestFilesInput")).toEqual(["owner", "repo", "pull_number", "page"]);
    expect(fields("GetFileContentsInput")).toEqual(["owner", "repo", "path", "ref", "offset"]);
    expect(required("GetFileContentsInput")).toEqual(["owner", "repo"]);
  });
});
