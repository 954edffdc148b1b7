/**
 * The `{{field}}` placeholders a rule's prompt may use. Untrusted fields are text anyone who can
 * open an issue or comment wrote: they are filled in between markers that tell the model so.
 */
export const promptFields = {
  repository: "owner/repo",
  owner: "the repository's owner",
  repo: "the repository's name",
  number: "the issue or pull request number",
  kind: '"issue" or "pull request"',
  event: "the event and action, e.g. issue_comment.created",
  author: "login of whoever wrote the triggering text",
  author_association: "that author's association, e.g. MEMBER",
  labels: "the labels, comma-separated",
  label: "issues.labeled: the label just added",
  head_sha: "pull requests: the head commit",
  title: "untrusted: the issue or pull request title",
  body: "untrusted: the issue or pull request body",
  comment: "untrusted: the comment or review that triggered the run (empty on other events)",
  comment_id: "the id of that comment or review (list_review_comments takes it); empty on other events",
  payload: "untrusted, webhook rules: the JSON body the sender signed",
} as const;
export type PromptField = keyof typeof promptFields;

export const untrustedFields: ReadonlySet<PromptField> = new Set<PromptField>(["title", "body", "comment", "payload"]);

/** `{{ name }}`: letters and underscores, spaces allowed inside the braces. */
export const placeholderPattern = /\{\{\s*([A-Za-z_]+)\s*\}\}/g;

/** The placeholders in a prompt that are not fields, each once. */
export function unknownPlaceholders(prompt: string): string[] {
  const unknown = new Set<string>();
  for (const [, name] of prompt.matchAll(placeholderPattern)) if (!(name! in promptFields)) unknown.add(name!);
  return [...unknown];
}
