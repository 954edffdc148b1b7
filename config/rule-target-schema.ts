import { z } from "zod";

/** Where a run writes when its trigger has no issue of its own (a webhook): fixed by the rule, never by the model. */
export const ruleTargetSchema = z
  .strictObject({
    issue: z.int().positive().meta({ description: "The issue (or pull request) number the run comments on." }),
  })
  .meta({ description: "webhook rules: the issue in the rule's one repository that each run writes on." });
