const fix = "make one with openssl rand -hex 32";

// Letters a person types for digits and signs, so "s3cr3t" reads as "secret".
const leet: Record<string, string> = { "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s" };
// Words people reach for when asked for a secret; a value made of nothing else is guessed first.
const commonWords = /^(password|passwd|changeme|secret|letmein|qwerty|admin|default|welcome|token|test)+$/;

function onlyCommonWords(value: string): boolean {
  const letters = [...value.toLowerCase()]
    .map((c) => leet[c] ?? c)
    .filter((c) => c >= "a" && c <= "z")
    .join("");
  return letters.length > 0 && commonWords.test(letters);
}

/**
 * Why a shared secret (RELAY_ADMIN_TOKEN, GITHUB_WEBHOOK_SECRET) is too weak to hold against
 * guessing, as one config problem; none when it is strong enough or empty. The value is never echoed.
 */
export function secretStrengthProblem(name: string, value: string, orElse = ""): string[] {
  if (!value) return [];
  const tail = orElse ? `: ${fix}, ${orElse}` : `: ${fix}`;
  if (value.length < 16) return [`${name} is too short (${value.length} characters, at least 16)${tail}`];
  if (new Set(value).size < 8) return [`${name} is too easy to guess (fewer than 8 different characters)${tail}`];
  if (onlyCommonWords(value)) return [`${name} is too easy to guess (a common word with digits or signs)${tail}`];
  return [];
}
