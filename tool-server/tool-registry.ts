import type { ToolDefinition } from "./tool-definition.ts";
import { addLabels } from "./tools/add-labels.ts";
import { createIssue } from "./tools/create-issue.ts";
import { dispatchWorkflow } from "./tools/dispatch-workflow.ts";
import { getFileContents } from "./tools/get-file-contents.ts";
import { getIssue } from "./tools/get-issue.ts";
import { getPullRequest } from "./tools/get-pull-request.ts";
import { getPullRequestFiles } from "./tools/get-pull-request-files.ts";
import { listIssueComments } from "./tools/list-issue-comments.ts";
import { listReviewComments } from "./tools/list-review-comments.ts";
import { postIssueComment } from "./tools/post-issue-comment.ts";
import { searchIssues } from "./tools/search-issues.ts";

/** The one list that drives the routes, the validation and the OpenAPI document. */
export const toolRegistry: readonly ToolDefinition[] = [
  getIssue,
  listIssueComments,
  searchIssues,
  postIssueComment,
  addLabels,
  getPullRequest,
  getPullRequestFiles,
  listReviewComments,
  getFileContents,
  createIssue,
  dispatchWorkflow,
];
