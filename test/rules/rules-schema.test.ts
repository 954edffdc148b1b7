import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { durationMs } from "../../config/duration.ts";
import { parseConfigFile } from "../../config/parse-config-file.ts";
import { rulesSchema } from "../../config/rules-schema.ts";
import { toolRegistry } from "../../tool-server/tool-registry.ts";

// The example of issue 13, as a maintainer would write it.
const issueExample = `
rules:
  - name: triage
    on: issues.opened
    repos: ["octo/*"]
    prompt: |
      Triage {{repository}}#{{number}}: {{title}}
    model: gpt-5
    tools: [get_issue, search_issues, add_labels, post_issue_comment]
    labels: [bug, question, duplicate, needs-info]
    mode: act
  - name: answer-mentions
    on: issue_comment.created
    if: { mentions_bot: true }
    tools: [get_issue, list_issue_comments, post_issue_comment]
  - name: summarize-prs
    on: [pull_request.opened, pull_request.synchronize, pull_request.ready_for_review]
    if: { draft: false }
    tools: [get_pull_request, get_pull_request_files, post_issue_comment]
    comment: update
`;

function problems(rules: unknown): string[] {
  const result = rulesSchema.safeParse(rules);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("the rules: section's schema", () => {
  it("reads the issue's example and fills in the defaults", () => {
    const rules = rulesSchema.parse((parseYaml(issueExample) as { rules: unknown }).rules);
    expect(rules.map((r) => r.name)).toEqual(["triage", "answer-mentions", "summarize-prs"]);
    expect(rules[1]).toMatchObject({ mode: "act", continue: false, comment: "new", max_comments: 1 });
    expect(rules[1]!.authors).toBeUndefined();
    expect(rules[2]).toMatchObject({ comment: "update", if: { draft: false } });
  });

  it("reads every YAML example in docs/rules.md", () => {
    const docs = readFileSync(new URL("../../docs/rules.md", import.meta.url), "utf8");
    const blocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map(
      (m) => parseYaml(m[1]!) as Record<string, unknown>,
    );
    expect(blocks).toHaveLength(2);
    expect(rulesSchema.parse(blocks[0]!.rules).map((r) => r.name)).toEqual([
      "triage",
      "answer-mentions",
      "summarize-prs",
    ]);
    expect(rulesSchema.parse([{ name: "labels", on: "issues.opened", ...blocks[1] }])[0]!.prompt).toContain("{{body}}");
  });

  it("names what is wrong and how to write it instead", () => {
    expect(
      problems([
        { name: "a", on: ["issue_comment.created", "push", "issues.closed"] },
        { name: "b", on: "issues.opened", authors: ["ADMIN"], cooldown: "5 minutes", mode: "dry-run" },
        { name: "A", on: "issues.opened", prompt: "Look at {{issue_title}}", tools: ["Get-Issue"], colour: "red" },
        { on: [] },
      ]),
    ).toEqual([
      '0.on: "push", "issues.closed" are not supported events; use one of issues.opened, issues.labeled, issue_comment.created, pull_request.opened, pull_request.synchronize, pull_request.ready_for_review, pull_request_review.submitted, pull_request_review_comment.created, or webhook.<name> (a webhook defined under webhooks:)',
      '1.mode: Invalid option: expected one of "act"|"observe"',
      '1.cooldown: a duration is a whole number and a unit: "30s", "10m", "2h" or "1d"',
      '1.authors.0: "ADMIN" is not an author association; use one of OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, FIRST_TIMER, MANNEQUIN, NONE',
      '2.tools.0: "Get-Issue" is not a tool; use one of get_issue, list_issue_comments, search_issues, post_issue_comment, add_labels, get_pull_request, get_pull_request_files, list_review_comments, get_file_contents, create_issue, dispatch_workflow',
      '2: Unrecognized key: "colour"',
      'rule "A": the prompt uses {{issue_title}}, which is not a field; use one of repository, owner, repo, number, kind, event, author, author_association, labels, label, head_sha, title, body, comment, comment_id, payload'.replace(
        /^/,
        "2.prompt: ",
      ),
      "3.name: every rule needs a name (letters, digits, '.', '_' or '-')",
      "3.on: on: lists at least one event",
      '2.name: rule name "A" is used twice; names must be unique',
    ]);
  });

  it("refuses unusable path globs, naming the rule", () => {
    expect(
      problems([{ name: "docs", on: "pull_request.opened", if: { paths: ["docs/**", "!src/**", "/abs"] } }]),
    ).toEqual(
      [
        'if.paths.1: rule "docs": "!src/**": negated globs are not supported; list the paths to match',
        'if.paths.2: rule "docs": "/abs": paths are relative to the repository root, without a leading /',
      ].map((p) => `0.${p}`),
    );
  });

  it("refuses a tool the server does not have, with its line and the tools there are", () => {
    const text = "rules:\n  - name: a\n    on: issues.opened\n    tools: [get_issue, get_issues]\n";
    expect(parseConfigFile(text, "f.yml")).toEqual({
      ok: false,
      problems: [
        `f.yml:4:24: rules[0].tools[1]: expected one of ${toolRegistry.map((t) => t.name).join(", ")}, got "get_issues"`,
      ],
    });
  });

  it("reads durations", () => {
    expect(["30s", "10m", "2h", "1d"].map(durationMs)).toEqual([30_000, 600_000, 7_200_000, 86_400_000]);
    expect(() => durationMs("10 minutes")).toThrow('"10 minutes" is not a duration such as "10m"');
  });

  it("publishes a JSON Schema in which every field of a rule and of if: has a description", () => {
    const schema = z.toJSONSchema(rulesSchema, { io: "input" }) as {
      items: {
        properties: Record<string, { description?: string; properties?: Record<string, { description?: string }> }>;
      };
    };
    const fields = schema.items.properties;
    const undescribed = Object.entries(fields)
      .filter(([, f]) => !f.description)
      .map(([k]) => k);
    const conditions = Object.entries(fields.if!.properties!)
      .filter(([, f]) => !f.description)
      .map(([k]) => k);
    expect([undescribed, conditions]).toEqual([[], []]);
    expect(Object.keys(fields)).toEqual(
      expect.arrayContaining(["name", "on", "repos", "authors", "cooldown", "max_labels"]),
    );
  });
});
