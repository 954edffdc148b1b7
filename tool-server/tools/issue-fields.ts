import { z } from "zod";
import { wholeNumber } from "./whole-number.ts";

// The characters GitHub allows in owner and repository names; "." and ".." would be path tricks, never names.
const namePattern = /^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,100}$/;

export const ownerField = z
  .string()
  .regex(namePattern)
  .meta({
    description:
      'Owner of the repository: the user or organization name before the slash in owner/repo, e.g. "octocat".',
    examples: ["octocat"],
  });

export const repoField = z
  .string()
  .regex(namePattern)
  .meta({
    description: 'Name of the repository: the part after the slash in owner/repo, e.g. "Hello-World".',
    examples: ["Hello-World"],
  });

export const issueNumberField = wholeNumber(
  z
    .int()
    .min(1)
    .max(2_147_483_647)
    .meta({ examples: [1] }),
).meta({
  description: "The issue's number as shown on GitHub after the # sign (not its internal id), e.g. 42.",
});
