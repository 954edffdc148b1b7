import { RE2 } from "re2-wasm";

/** A compiled pattern that runs in linear time on any text. */
export interface SafePattern {
  readonly source: string;
  test(text: string): boolean;
}

// Patterns come from config and are compiled once per distinct source; re2-wasm never frees them.
const compiled = new Map<string, SafePattern>();

/**
 * Compiles a regular expression with RE2, whose matching time grows linearly with the text, so
 * an issue body cannot stall the relay on a pattern like `(a+)+$` (ReDoS). RE2 has no
 * backreferences or lookaround; such patterns throw. `(?i)` makes a pattern case-insensitive.
 */
export function safePattern(source: string): SafePattern {
  const known = compiled.get(source);
  if (known) return known;
  let re: RE2;
  try {
    re = new RE2(source, "u");
  } catch (error) {
    const detail = (error as Error).message.replace(/^Invalid regular expression: \/.*\/u: /s, "");
    throw new Error(`${detail} (RE2 syntax: no backreferences or lookaround)`, { cause: error });
  }
  const pattern: SafePattern = {
    source,
    test: (text) => {
      re.lastIndex = 0;
      // re2-wasm misreads a lone surrogate and what follows it: "\ud800a" would hide the "a".
      return re.test(wellFormed(text));
    },
  };
  compiled.set(source, pattern);
  return pattern;
}

/** Why a pattern cannot be compiled, or null when it can. */
export function patternProblem(source: string): string | null {
  try {
    safePattern(source);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}
