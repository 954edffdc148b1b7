import { z } from "zod";
import { wholeNumber } from "./whole-number.ts";

export const pullNumberField = wholeNumber(
  z
    .int()
    .min(1)
    .max(2_147_483_647)
    .meta({ examples: [12] }),
).meta({ description: "The pull request's number as shown on GitHub after the # sign, e.g. 12." });
