import { safePattern, type SafePattern } from "./safe-pattern.ts";

const special = new Set([..."\\^$.|?*+()[]{}"]);

/**
 * A path glob as pull request rules write them: `**` crosses folders, `*` stays inside one,
 * `?` is one character, a leading `!` is not supported (list what to match instead).
 * Compiled to RE2 so a long list of changed paths is matched in linear time.
 */
export function pathGlob(glob: string): SafePattern {
  let source = "^";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === "*" && glob[i + 1] === "*") {
      // `**/` also matches no folder at all, so `src/**/x.ts` matches `src/x.ts`.
      const slash = glob[i + 2] === "/";
      source += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += special.has(char) ? `\\${char}` : char;
  }
  return safePattern(`${source}$`);
}

/** Why a glob is not usable, or null. */
export function globProblem(glob: string): string | null {
  if (glob.trim() === "") return "a path glob is empty";
  if (glob.startsWith("!")) return `"${glob}": negated globs are not supported; list the paths to match`;
  if (glob.startsWith("/")) return `"${glob}": paths are relative to the repository root, without a leading /`;
  return null;
}
