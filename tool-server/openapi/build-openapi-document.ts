import { OpenApiBuilder, type OpenAPIObject, type ResponseObject } from "openapi3-ts/oas31";
import type { ToolDefinition } from "../tool-definition.ts";
import { jsonSchemaOf } from "./json-schema-of.ts";
import type { DocumentInfo } from "./tool-server-info.ts";

function pascalCase(name: string) {
  return name.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
}

const json = (ref: string) => ({ "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } });
const errorResponse = (description: string): ResponseObject => ({ description, content: json("Error") });

const errorResponses = {
  "400": errorResponse("An argument is missing or invalid; the detail names it."),
  "401": errorResponse("The bearer key is missing or wrong."),
  "403": errorResponse("The repository or issue is outside what this call may touch; the detail says what is allowed."),
  "404": errorResponse("The issue, pull request, file or ref does not exist, or the token cannot see it."),
  "422": errorResponse(
    "The call was refused as it stands (a comment containing a credential, a label the repository lacks, a binary file); the detail says what to change.",
  ),
  "429": errorResponse("GitHub's rate limit or the comment budget is used up; the detail says when to try again."),
  "502": errorResponse("GitHub failed or could not be reached."),
};

function addTool(builder: OpenApiBuilder, tool: ToolDefinition) {
  const inputName = `${pascalCase(tool.name)}Input`;
  const outputName = `${pascalCase(tool.name)}Result`;
  builder.addSchema(inputName, jsonSchemaOf(tool.input, "input"));
  builder.addSchema(outputName, jsonSchemaOf(tool.output, "output"));
  builder.addPath(`/${tool.name}`, {
    post: {
      operationId: tool.name,
      summary: tool.summary,
      description: tool.description,
      security: [{ bearer: [] }],
      requestBody: { required: true, content: json(inputName) },
      responses: { "200": { description: "The tool's result.", content: json(outputName) }, ...errorResponses },
    },
  });
}

/**
 * OpenAPI 3.1 for Open WebUI: one `POST /<tool>` per tool with every argument
 * in a JSON body (Open WebUI resolves `$ref` there, but not in parameters).
 */
export function buildOpenApiDocument(tools: readonly ToolDefinition[], info: DocumentInfo): OpenAPIObject {
  const builder = OpenApiBuilder.create()
    .addOpenApiVersion("3.1.0")
    .addInfo({ title: info.title, version: info.version, description: info.description })
    .addSecurityScheme("bearer", {
      type: "http",
      scheme: "bearer",
      description: "TOOL_SERVER_API_KEY, sent by Open WebUI as the connection's key.",
    })
    .addSchema("Error", {
      type: "object",
      required: ["detail"],
      properties: { detail: { type: "string", description: "What went wrong and what to do instead." } },
    });
  for (const tool of tools) addTool(builder, tool);
  return builder.getSpec();
}
