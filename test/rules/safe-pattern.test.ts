import { describe, expect, it } from "vitest";
import { rulesSchema } from "../../config/rules-schema.ts";
import { pathGlob } from "../../lib/path-glob.ts";
import { safePattern } from "../../lib/safe-pattern.ts";
import { match, rules } from "../support/match-recorded.ts";

describe("rule patterns run in linear time (RE2)", () => {
  it("answers a catastrophic pattern on a long body at once", () => {
    // (a+)+$ on "aaa…!" takes exponential time in a backtracking engine; here it is linear.
    const rule = rules({
      name: "redos",
      on: "issues.opened",
      if: { body_matches: "(a+)+$", title_matches: "^(x|xx)+y$" },
    });
    const started = performance.now();
    const result = match(rule, "issues", "opened", (p) => {
      p.issue.body = `${"a".repeat(60_000)}!`;
      p.issue.title = "x".repeat(250);
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.why).toBe("rule redos: the title does not match title_matches");
    expect(safePattern("(a+)+$").test(`${"a".repeat(60_000)}!`)).toBe(false);
    expect(safePattern("(a+)+$").test("aaa")).toBe(true);
  });

  it("refuses backreferences and lookaround when the file is loaded, naming the rule and the pattern", () => {
    const result = rulesSchema.safeParse([
      { name: "backref", on: "issues.opened", if: { title_matches: "(a)\\1" } },
      { name: "lookahead", on: "issues.opened", if: { body_matches: "(?=secret)" } },
    ]);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      [
        "0.if.title_matches",
        'rule "backref": title_matches "(a)\\\\1" is not a valid pattern: invalid escape sequence: \\1 (RE2 syntax: no backreferences or lookaround)',
      ],
      [
        "1.if.body_matches",
        'rule "lookahead": body_matches "(?=secret)" is not a valid pattern: invalid perl operator: (?= (RE2 syntax: no backreferences or lookaround)',
      ],
    ]);
  });

  it("still sees text after a lone surrogate, which RE2 alone would skip", () => {
    expect(safePattern("^.ab$").test("\ud800ab")).toBe(true);
    expect(safePattern("secret").test("\udc00secret")).toBe(true);
  });

  it("matches the same text again after a match (no state left between calls)", () => {
    const pattern = safePattern("bug");
    expect([pattern.test("a bug"), pattern.test("a bug"), pattern.test("none")]).toEqual([true, true, false]);
  });

  it("turns path globs into anchored patterns: ** crosses folders, * and ? stay in one", () => {
    const docs = pathGlob("docs/**/*.md");
    expect(["docs/a.md", "docs/x/y/a.md"].map((p) => docs.test(p))).toEqual([true, true]);
    expect(["docs/a.txt", "src/docs/a.md", "docs/a.md.bak"].map((p) => docs.test(p))).toEqual([false, false, false]);
    expect(pathGlob("*.md").test("sub/README.md")).toBe(false);
    expect(pathGlob("src/?.ts").test("src/a.ts")).toBe(true);
    expect(pathGlob("a+b(c).ts").test("a+b(c).ts")).toBe(true);
  });
});
