import { z } from "zod";

/** GitHub's `author_association` values: how the author is related to the repository. */
export const authorAssociations = [
  "OWNER",
  "MEMBER",
  "COLLABORATOR",
  "CONTRIBUTOR",
  "FIRST_TIME_CONTRIBUTOR",
  "FIRST_TIMER",
  "MANNEQUIN",
  "NONE",
] as const;

export const authorAssociation = z.enum(authorAssociations, {
  error: (issue) =>
    `"${String(issue.input)}" is not an author association; use one of ${authorAssociations.join(", ")}`,
});

const nonEmptyList = (what: string) => z.array(z.string().min(1, `${what} may not be empty`)).min(1);

/**
 * The `if:` of a rule: every condition given must hold. Patterns are RE2 (linear time on any
 * text), checked when the file is loaded.
 */
export const ruleConditionSchema = z
  .strictObject({
    mentions_bot: z
      .boolean()
      .optional()
      .meta({ description: "true: the comment or review must @mention the relay's login; false: must not." }),
    labels_any: nonEmptyList("a label")
      .optional()
      .meta({
        description:
          "The issue or pull request carries at least one of these labels (case-insensitive). " +
          "On issues.labeled, the label just added must be one of them.",
      }),
    author_association: z.array(authorAssociation).min(1).optional().meta({
      description: "The author of the triggering text has one of these associations, e.g. [NONE, FIRST_TIMER].",
    }),
    draft: z
      .boolean()
      .optional()
      .meta({ description: "Pull requests only: false skips drafts, true runs only on drafts." }),
    title_matches: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "RE2 regular expression the title must match; (?i) for case-insensitive." }),
    body_matches: z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          "RE2 regular expression the triggering text must match: the comment or review on those events, " +
          "else the issue or pull request body.",
      }),
    paths: nonEmptyList("a path glob").optional().meta({
      description: 'Pull requests only: at least one changed file matches one of these globs ("docs/**", "*.md").',
    }),
  })
  .meta({ description: "Conditions that must all hold for the rule to run." });
export type RuleCondition = z.infer<typeof ruleConditionSchema>;
