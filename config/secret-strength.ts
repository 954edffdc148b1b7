const fix = "make one with openssl rand -hex 32";

// Words people reach for when asked for a secret; a value made of nothing else (with digits, signs
// and the usual look-alikes: "s3cr3t", "p@ssw0rd") is what a guesser tries first.
const commonWords = ["password", "passwd", "changeme", "secret", "letmein", "qwerty", "admin", "default", "welcome"];
const lookAlikes: Record<string, string> = { a: "a4@", e: "e3", i: "i1!", l: "l1", o: "o0", s: "s5$", t: "t7" };
const wordPattern = commonWords
  .map((word) => [...word].map((c) => (lookAlikes[c] ? `[${lookAlikes[c].replace("$", "\\$")}]` : c)).join(""))
  .join("|");
const onlyCommonWords = new RegExp(`^(?:${wordPattern}|[^a-z])*$`, "i");

/**
 * Why a shared secret (RELAY_ADMIN_TOKEN, GITHUB_WEBHOOK_SECRET) is too weak to hold against
 * guessing, as one config problem; none when it is strong enough or empty. The value is never echoed.
 */
export function secretStrengthProblem(name: string, value: string, orElse = ""): string[] {
  if (!value) return [];
  const tail = orElse ? `: ${fix}, ${orElse}` : `: ${fix}`;
  if (value.length < 16) return [`${name} is too short (${value.length} characters, at least 16)${tail}`];
  if (new Set(value).size < 8) return [`${name} is too easy to guess (fewer than 8 different characters)${tail}`];
  if (/[a-z]/i.test(value) && value.length <= 256 && onlyCommonWords.test(value))
    return [`${name} is too easy to guess (a common word with digits or signs)${tail}`];
  return [];
}
