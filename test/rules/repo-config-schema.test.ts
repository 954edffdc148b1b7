import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { publishedRepoSchemaPath, repoConfigJsonSchema } from "../../config/config-file-json-schema.ts";
import { parseRepoConfig } from "../../config/parse-repo-config.ts";
import { loadRelayConfig } from "../../config/load-relay-config.ts";
import { rulesSchema } from "../../config/rules-schema.ts";
import { fullEnv, problemsOf } from "../support/config-problems.ts";

const rules = rulesSchema.parse([
  {
    name: "triage",
    on: ["issues.opened", "issues.labeled"],
    tools: ["get_issue", "add_labels", "post_issue_comment"],
    labels: ["bug", "question"],
    workflows: ["triage.yml", "lint.yml"],
  },
  { name: "answer-mentions", on: "issue_comment.created" },
  { name: "elsewhere", on: "issues.opened", repos: ["other/*"] },
]);
const parse = (text: string) => parseRepoConfig(text, rules, "octo/app");

describe("a repository's .github/openwebui-github.yml", () => {
  it("takes a narrowing of the deployment's rules: fewer events, tools, labels and workflows, its own prompt, a rule off", () => {
    const result = parse(`rules:
  triage:
    on: issues.opened
    tools: [get_issue, post_issue_comment]
    labels: [BUG]
    workflows: []
    prompt: "Look at {{title}}"
  answer-mentions:
    enabled: false
`);
    expect(result).toEqual({
      ok: true,
      config: {
        rules: {
          triage: {
            enabled: true,
            on: "issues.opened",
            tools: ["get_issue", "post_issue_comment"],
            labels: ["BUG"],
            workflows: [],
            prompt: "Look at {{title}}",
          },
          "answer-mentions": { enabled: false },
        },
      },
    });
    // No file content at all narrows nothing.
    expect(parse("# nothing here yet\n")).toEqual({ ok: true, config: {} });
  });

  it("refuses whatever would widen, each problem with its line: events, tools, labels, workflows, unknown rules, other repositories", () => {
    const result = parse(`rules:
  triage:
    on: [issues.opened, pull_request.opened]
    tools: [get_issue, dispatch_workflow]
    labels: [bug, wontfix]
    workflows: [deploy.yml]
  answer-mentions:
    labels: [bug]
  elsewhere:
    enabled: false
  summarize:
    enabled: false
`);
    const allowedTools = "get_issue, add_labels, post_issue_comment";
    expect(result).toEqual({
      ok: false,
      problems: [
        `.github/openwebui-github.yml:3:25: rules.triage.on[1]: event "pull_request.opened" is not one the deployment's rule "triage" allows (issues.opened, issues.labeled); a repository can only narrow`,
        `.github/openwebui-github.yml:4:24: rules.triage.tools[1]: tool "dispatch_workflow" is not one the deployment's rule "triage" allows (${allowedTools}); a repository can only narrow`,
        `.github/openwebui-github.yml:5:19: rules.triage.labels[1]: label "wontfix" is not one the deployment's rule "triage" allows (bug, question); a repository can only narrow`,
        `.github/openwebui-github.yml:6:17: rules.triage.workflows[0]: workflow "deploy.yml" is not one the deployment's rule "triage" allows (triage.yml, lint.yml); a repository can only narrow`,
        `.github/openwebui-github.yml:8:13: rules.answer-mentions.labels: rule "answer-mentions" lists no labels: in the deployment's file, so a repository cannot allow any label`,
        '.github/openwebui-github.yml:9:3: rules.elsewhere: rule "elsewhere" does not run in octo/app (its repos: other/*), so it cannot be narrowed here',
        `.github/openwebui-github.yml:11:3: rules.summarize: the deployment has no rule "summarize"; a repository narrows the deployment's rules only (they are: triage, answer-mentions, elsewhere)`,
      ],
    });
  });

  it("refuses keys only the deployment may set, saying why, and a prompt with an unknown field", () => {
    const result = parse(`repos: ["octo/*"]
rules:
  triage:
    model: gpt-5
    prompt: "Look at {{issue_title}}"
`);
    expect(result.ok ? [] : result.problems).toEqual([
      ".github/openwebui-github.yml:1:1: repos: a repository's file applies to its own repository only; which repositories a rule runs in is the deployment's (unknown key; allowed here: rules)",
      ".github/openwebui-github.yml:4:5: rules.triage.model: the model is the deployment's to choose (unknown key; allowed here: enabled, on, tools, labels, workflows, prompt)",
      expect.stringMatching(
        /^\.github\/openwebui-github\.yml:5:13: rules\.triage\.prompt: the prompt uses \{\{issue_title\}\}, which is not a field; use one of repository, /,
      ),
    ]);
  });

  it("reports a file that is not YAML, or not a mapping of rules, at its line", () => {
    expect(parse("rules:\n  triage: [\n")).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^\.github\/openwebui-github\.yml:3:1: YAML syntax: /)],
    });
    expect(parse("rules:\n  - triage\n")).toEqual({
      ok: false,
      problems: [
        ".github/openwebui-github.yml:2:3: rules: expected a mapping (key: value lines), got a list of 1 item",
      ],
    });
  });

  it("reads RELAY_REPO_CONFIG_TTL_MS with the relay's other settings: ten minutes by default, a bad value named", () => {
    expect(loadRelayConfig(fullEnv).repoConfigTtlMs).toBe(600_000);
    expect(loadRelayConfig({ ...fullEnv, RELAY_REPO_CONFIG_TTL_MS: "0" }).repoConfigTtlMs).toBe(0);
    expect(problemsOf(() => loadRelayConfig({ ...fullEnv, RELAY_REPO_CONFIG_TTL_MS: "soon" }))).toEqual([
      expect.stringContaining("RELAY_REPO_CONFIG_TTL_MS"),
    ]);
  });

  it("publishes its JSON Schema in schema/ (npm run schema), which accepts the example in docs/repository-config.md", () => {
    const published = JSON.parse(readFileSync(publishedRepoSchemaPath, "utf8")) as object;
    expect(published, "schema/repository-openwebui-github.schema.json is out of date: run npm run schema").toEqual(
      repoConfigJsonSchema(),
    );
    const docs = readFileSync(new URL("../../docs/repository-config.md", import.meta.url), "utf8");
    const example = /```yaml\n([\s\S]*?)```/.exec(docs)![1]!;
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(published);
    expect(validate(parseYaml(example)), JSON.stringify(validate.errors)).toBe(true);
    const deployment = rulesSchema.parse([
      {
        name: "triage",
        on: "issues.opened",
        tools: ["get_issue", "add_labels", "post_issue_comment"],
        labels: ["bug", "question", "duplicate"],
      },
      { name: "answer-mentions", on: "issue_comment.created" },
    ]);
    expect(parseRepoConfig(example, deployment, "octo/app")).toMatchObject({ ok: true });
  });
});
