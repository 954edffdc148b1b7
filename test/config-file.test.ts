import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { configFileJsonSchema, publishedSchemaPath } from "../config/config-file-json-schema.ts";
import { configFileLocation } from "../config/config-file-location.ts";
import { describeConfigIssues } from "../config/describe-config-issues.ts";
import { loadConfigFile } from "../config/load-config-file.ts";
import { parseConfigFile } from "../config/parse-config-file.ts";
import { defaultPeoplePolicy } from "../config/people-schema.ts";
import { problemsOf } from "./support/config-problems.ts";

const root = resolve(import.meta.dirname, "..");
const exampleText = readFileSync(join(root, "openwebui-github.example.yml"), "utf8");

/** Editors validate with the published schema; the loader with zod. Both must agree. */
function editorValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  // The format zod writes for `email:`; ajv checks formats only when told how.
  ajv.addFormat("email", /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
  return ajv.compile(JSON.parse(readFileSync(publishedSchemaPath, "utf8")) as object);
}

const problemsIn = (text: string) => {
  const result = parseConfigFile(text, "openwebui-github.yml");
  return result.ok ? [] : result.problems;
};

describe("the config file", () => {
  it("the example at the repository root loads, sets every people key, and passes the published JSON Schema", () => {
    const result = parseConfigFile(exampleText, "openwebui-github.example.yml");
    expect(result.ok && result.config.people).toEqual({
      default: "read",
      grants: [
        { group: "maintainers", repos: ["octo/*"], access: "write" },
        { email: "mona@example.com", repos: ["octo/app"], access: "write" },
        { role: "user", repos: ["octo/private-notes"], access: "none" },
      ],
      comments_per_hour: 20,
      attribution: true,
    });
    const validate = editorValidator();
    expect(validate(parse(exampleText)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("publishes in schema/ the JSON Schema the code generates (run npm run schema after changing a schema)", () => {
    const published = JSON.parse(readFileSync(publishedSchemaPath, "utf8")) as unknown;
    expect(published, "schema/openwebui-github.schema.json is out of date: run npm run schema").toEqual(
      configFileJsonSchema(),
    );
  });

  it("reports every problem in one pass, each on one line with file:line:column, the path, and what is expected", () => {
    const text = [
      "peeple: {}",
      "people:",
      "  default: writ",
      "  comments_per_hour: 5000",
      "  grants:",
      "    - group: maintainers",
      "      repos: []",
      "      acess: write",
      "    - repos: [octo/app]",
      "      access: read",
      "    - group: x",
      "      email: mona@example.com",
      "      repos: [octo]",
      "      access: read",
      "    - email: nope",
      "      repos: [octo/app]",
      "      access:",
      "    - just text",
    ].join("\n");
    expect(problemsIn(text)).toEqual([
      "openwebui-github.yml:1:1: peeple: unknown key (did you mean people?); allowed here: people, rules, channels, webhooks, chat",
      'openwebui-github.yml:3:12: people.default: expected one of none, read, write, got "writ"',
      "openwebui-github.yml:4:22: people.comments_per_hour: must be at most 1000, got 5000",
      "openwebui-github.yml:6:7: people.grants[0].access: missing: add access: none | read | write",
      "openwebui-github.yml:7:14: people.grants[0].repos: must list at least 1 item, got an empty list",
      "openwebui-github.yml:8:7: people.grants[0].acess: unknown key (did you mean access?); allowed here: group, repos, access, email, role",
      "openwebui-github.yml:9:7: people.grants[1]: needs exactly one of group, email, role",
      "openwebui-github.yml:11:7: people.grants[2]: has email and group: keep only one",
      'openwebui-github.yml:13:15: people.grants[2].repos[0]: a repository is "owner/repo" or "owner/*", got "octo"',
      'openwebui-github.yml:15:14: people.grants[3].email: expected an email address, got "nope"',
      "openwebui-github.yml:17:14: people.grants[3].access: expected one of none, read, write, got nothing",
      'openwebui-github.yml:18:7: people.grants[4]: expected a mapping (key: value lines), got "just text"',
    ]);
    // The editor's schema refuses the same file.
    expect(editorValidator()(parse(text))).toBe(false);
  });

  it("reports YAML syntax errors with their line, and nothing about a shape it could not read", () => {
    expect(problemsIn("people:\n  default: read\n  grants: [\n")).toEqual([
      expect.stringMatching(/^openwebui-github\.yml:4:1: YAML syntax: .*\S$/),
    ]);
    expect(problemsIn("people:\n  default: read\n  default: none\n")).toEqual([
      "openwebui-github.yml:3:3: YAML syntax: Map keys must be unique",
    ]);
    expect(problemsIn("- people\n")).toEqual([
      "openwebui-github.yml:1:1: (top level): expected a mapping (key: value lines), got a list of 1 item",
    ]);
  });

  it("takes an empty file, or one of comments only, as no sections: the built-in defaults", () => {
    for (const text of ["", "# nothing yet\n"])
      expect(parseConfigFile(text, "f.yml")).toEqual({ ok: true, config: {} });
    const result = parseConfigFile("people: {}\n", "f.yml");
    expect(result.ok && result.config.people).toEqual(defaultPeoplePolicy);
  });
});

describe("problems in sections to come", () => {
  it("names the values a discriminated union's key may take, and the keys allowed in the form chosen", () => {
    const section = z.strictObject({
      steps: z.array(
        z.discriminatedUnion("kind", [
          z.strictObject({ kind: z.literal("comment"), text: z.string() }),
          z.strictObject({ kind: z.literal("label"), labels: z.array(z.string()) }),
        ]),
      ),
    });
    const data = { steps: [{ kind: "post" }, {}, { kind: "label", labels: ["bug"], text: "x" }] };
    const issues = describeConfigIssues(section.safeParse(data).error!.issues, data, section);
    expect(issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["steps.0.kind", 'expected one of comment, label, got "post"'],
      ["steps.1.kind", "missing: add kind: comment | label"],
      ["steps.2.text", "belongs to another form of this entry: remove it, or change the key that picks the form"],
    ]);
  });
});

describe("where the config file is", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("without CONFIG_FILE and no openwebui-github.yml in the working directory, there is no file and nothing to fix", () => {
    dir = mkdtempSync(join(tmpdir(), "config-"));
    const loaded = loadConfigFile(configFileLocation({}, dir));
    expect(loaded).toMatchObject({ found: false, config: {} });
    expect(loaded.location).toEqual({
      shown: "openwebui-github.yml",
      path: join(dir, "openwebui-github.yml"),
      namedBy: null,
    });
  });

  it("reads openwebui-github.yml from the working directory, and CONFIG_FILE relative to it", () => {
    dir = mkdtempSync(join(tmpdir(), "config-"));
    writeFileSync(join(dir, "openwebui-github.yml"), "people:\n  default: none\n");
    writeFileSync(join(dir, "other.yml"), "people:\n  default: write\n");
    expect(loadConfigFile(configFileLocation({}, dir)).config.people?.default).toBe("none");
    expect(loadConfigFile(configFileLocation({ CONFIG_FILE: "other.yml" }, dir)).config.people?.default).toBe("write");
  });

  it("takes a CONFIG_FILE that is missing or unreadable as a problem, never as no file", () => {
    dir = mkdtempSync(join(tmpdir(), "config-"));
    expect(problemsOf(() => loadConfigFile(configFileLocation({ CONFIG_FILE: "missing.yml" }, dir)))).toEqual([
      `missing.yml:1:1: CONFIG_FILE: no such file (${join(dir, "missing.yml")}); point CONFIG_FILE at the config file, or unset it to use ./openwebui-github.yml when there is one`,
    ]);
    expect(problemsOf(() => loadConfigFile(configFileLocation({ CONFIG_FILE: dir }, dir)))).toEqual([
      `${dir}:1:1: CONFIG_FILE: is a folder (${dir}); name the file itself`,
    ]);
  });
});
