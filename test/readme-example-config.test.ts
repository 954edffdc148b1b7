import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configFileLocation } from "../config/config-file-location.ts";
import { loadConfigFile } from "../config/load-config-file.ts";
import { parseConfigFile } from "../config/parse-config-file.ts";
import { readmeExampleConfig } from "./support/readme-example-config.ts";

const dir = mkdtempSync(join(tmpdir(), "readme-example-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the README's example config", () => {
  it("loads with the relay's own loader, without a problem", () => {
    const text = readmeExampleConfig();
    expect(parseConfigFile(text, "README.md")).toMatchObject({ ok: true });
    writeFileSync(join(dir, "openwebui-github.yml"), text);
    const { config } = loadConfigFile(configFileLocation({}, dir));
    expect(config.rules?.map((rule) => rule.name)).toEqual([
      "triage",
      "answer-mentions",
      "summarize-prs",
      "review-mentions",
      "label-triage",
    ]);
  });

  it("has a rule for every GitHub event kind a rule may listen to", () => {
    writeFileSync(join(dir, "openwebui-github.yml"), readmeExampleConfig());
    const { config } = loadConfigFile(configFileLocation({}, dir));
    const events = (config.rules ?? []).flatMap((rule) => [rule.on].flat());
    expect(new Set(events)).toEqual(
      new Set([
        "issues.opened",
        "issues.labeled",
        "issue_comment.created",
        "pull_request.opened",
        "pull_request.synchronize",
        "pull_request.ready_for_review",
        "pull_request_review.submitted",
        "pull_request_review_comment.created",
      ]),
    );
  });
});
