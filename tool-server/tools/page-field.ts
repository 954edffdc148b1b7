import { z } from "zod";
import { wholeNumber } from "./whole-number.ts";

export const pageField = wholeNumber(
  z
    .int()
    .min(1)
    .max(100)
    .meta({ examples: [1] }),
)
  .optional()
  .meta({
    description: "Which page of results to read, from 1 (the default). Ask for the next page when has_more is true.",
  });

/** How many comments one page of a comment listing holds. */
export const commentsPerPageField = wholeNumber(
  z
    .int()
    .min(1)
    .max(50)
    .meta({ examples: [20] }),
)
  .optional()
  .meta({ description: "How many comments a page holds, 1 to 50 (default 20)." });

export const hasMoreField = z
  .boolean()
  .meta({ description: "True when there is another page: call again with page set to the next number." });

export const noteField = z
  .string()
  .optional()
  .meta({ description: "Present when something was cut or left out of this answer; says what and how to get more." });
