import type { FieldSpec } from "../tool-definition.ts";

export const ownerField = {
  type: "string",
  required: true,
  description: "Owner of the repository: the user or organization name before the slash in owner/repo, e.g. \"octocat\".",
  pattern: "^(?!\\.{1,2}$)[A-Za-z0-9_.-]{1,100}$",
  example: "octocat",
} as const satisfies FieldSpec;

export const repoField = {
  type: "string",
  required: true,
  description: "Name of the repository: the part after the slash in owner/repo, e.g. \"Hello-World\".",
  pattern: "^(?!\\.{1,2}$)[A-Za-z0-9_.-]{1,100}$",
  example: "Hello-World",
} as const satisfies FieldSpec;

export const issueNumberField = {
  type: "integer",
  required: true,
  description: "The issue's number as shown on GitHub after the # sign (not its internal id), e.g. 42.",
  minimum: 1,
  maximum: 2_147_483_647,
  example: 1,
} as const satisfies FieldSpec;
