import { z } from "zod";

// The parts of GitHub's payloads rules read. Unknown keys are dropped; GitHub adds fields often.
const user = z.object({
  login: z.string(),
  type: z.string().optional(),
});

const label = z.union([z.string(), z.object({ name: z.string() })]);

const thread = z.object({
  number: z.int().positive(),
  title: z.string(),
  body: z.string().nullish(),
  user: user.nullish(),
  author_association: z.string().optional(),
  labels: z.array(label).optional(),
  draft: z.boolean().optional(),
  created_at: z.string().optional(),
  performed_via_github_app: z.unknown().optional(),
  /** Present on an issue that is a pull request (issue_comment on a pull request). */
  pull_request: z.unknown().optional(),
  head: z.object({ sha: z.string() }).optional(),
});

/** A comment, a review, or a review comment: text a person wrote, the trigger of a run. */
const writing = z.object({
  id: z.int(),
  body: z.string().nullish(),
  user: user.nullish(),
  author_association: z.string().optional(),
  created_at: z.string().optional(),
  submitted_at: z.string().nullish(),
  performed_via_github_app: z.unknown().optional(),
  /** A review comment that replies in a thread: the thread's first comment. */
  in_reply_to_id: z.int().optional(),
});

export const rulePayloadSchema = z.object({
  action: z.string(),
  repository: z.object({ name: z.string(), owner: z.object({ login: z.string() }) }),
  sender: user.nullish(),
  issue: thread.optional(),
  pull_request: thread.optional(),
  comment: writing.optional(),
  review: writing.optional(),
  label: z.object({ name: z.string() }).optional(),
});
export type RulePayload = z.infer<typeof rulePayloadSchema>;
export type PayloadUser = z.infer<typeof user>;
export type PayloadWriting = z.infer<typeof writing>;
