import type { ToolDefinition } from "./tool-definition.ts";
import { getIssue } from "./tools/get-issue.ts";
import { postIssueComment } from "./tools/post-issue-comment.ts";

/** The one list that drives the routes, the validation and the OpenAPI document. */
export const toolRegistry: readonly ToolDefinition[] = [getIssue, postIssueComment];
