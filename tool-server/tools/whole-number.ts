import { z } from "zod";

// Models often send numbers as strings ("42"); accept those, nothing looser.
function digitsToNumber(value: unknown): unknown {
  return typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}

/**
 * An integer field that also takes its digits as a string. The document shows only `integer`
 * (the wrapped schema), so put examples on `integer` and the description on the result.
 */
export function wholeNumber(integer: z.ZodInt) {
  return z.preprocess(digitsToNumber, integer);
}
