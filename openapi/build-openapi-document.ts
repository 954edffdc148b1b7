import { OpenApiBuilder, type OpenAPIObject, type SchemaObject } from "openapi3-ts/oas31";
import type { FieldSpec, ToolDefinition } from "../tool-server/tool-definition.ts";

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

function fieldSchema(spec: FieldSpec): SchemaObject {
  const schema: SchemaObject = { type: spec.type, description: spec.description };
  for (const key of ["minLength", "maxLength", "pattern", "minimum", "maximum", "example"] as const) {
    if (spec[key] !== undefined) (schema as Record<string, unknown>)[key] = spec[key];
  }
  return schema;
}

function pascalCase(name: string) {
  return name.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
}

/**
 * OpenAPI 3.1 for Open WebUI: one `POST /<tool>` per tool with every argument
 * in a JSON body (Open WebUI resolves `$ref` there, but not in parameters).
 */
export function buildOpenApiDocument(tools: readonly ToolDefinition[], info: DocumentInfo): OpenAPIObject {
  const builder = OpenApiBuilder.create()
    .addOpenApiVersion("3.1.0")
    .addInfo({ title: info.title, version: info.version, description: info.description })
    .addSecurityScheme("bearer", { type: "http", scheme: "bearer", description: "TOOL_SERVER_API_KEY, sent by Open WebUI as the connection's key." })
    .addSchema("Error", {
      type: "object",
      required: ["detail"],
      properties: { detail: { type: "string", description: "What went wrong and what to do instead." } },
    });

  for (const tool of tools) {
    const inputName = `${pascalCase(tool.name)}Input`;
    const outputName = `${pascalCase(tool.name)}Result`;
    builder.addSchema(inputName, {
      type: "object",
      required: Object.entries(tool.input).filter(([, spec]) => spec.required).map(([name]) => name),
      properties: Object.fromEntries(Object.entries(tool.input).map(([name, spec]) => [name, fieldSchema(spec)])),
    });
    builder.addSchema(outputName, tool.output);
    const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
    builder.addPath(`/${tool.name}`, {
      post: {
        operationId: tool.name,
        summary: tool.summary,
        description: tool.description,
        security: [{ bearer: [] }],
        requestBody: { required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${inputName}` } } } },
        responses: {
          "200": { description: "The tool's result.", content: { "application/json": { schema: { $ref: `#/components/schemas/${outputName}` } } } },
          "400": errorResponse("An argument is missing or invalid; the detail names it."),
          "401": errorResponse("The bearer key is missing or wrong."),
          "403": errorResponse("The repository or issue is outside what this call may touch; the detail says what is allowed."),
          "404": errorResponse("The issue does not exist or the token cannot see it."),
          "502": errorResponse("GitHub failed or could not be reached."),
        },
      },
    });
  }
  return builder.getSpec();
}
