import { describe, expect, it } from "vitest";
import { parseRepoAllowList } from "../github/repo-allow-list.ts";
import { validateInput } from "../tool-server/validate-input.ts";
import { postIssueComment } from "../tool-server/tools/post-issue-comment.ts";

describe("repository allow-list", () => {
  it("accepts exact repositories and whole owners, case-insensitively", () => {
    const { allowList, problems } = parseRepoAllowList(["octo/app", "acme/*"]);
    expect(problems).toEqual([]);
    expect(allowList.allows("Octo", "App")).toBe(true);
    expect(allowList.allows("acme", "anything")).toBe(true);
    expect(allowList.allows("octo", "other")).toBe(false);
    expect(allowList.allows("evil", "app")).toBe(false);
  });

  it("reports entries that are not owner/repo", () => {
    expect(parseRepoAllowList(["octo", "a/b/c", "*/*", "ok/fine", "octo/.."]).problems).toHaveLength(4);
  });

  it("never lets '.' or '..' through an owner/* entry, which would walk the API path up", () => {
    const { allowList } = parseRepoAllowList(["octo/*"]);
    expect(allowList.allows("octo", "..")).toBe(false);
    expect(allowList.allows("octo", ".")).toBe(false);
    expect(allowList.allows("octo", ".github")).toBe(true);
    expect(() =>
      validateInput(postIssueComment.input, { owner: "octo", repo: "..", issue_number: 1, body: "x" }),
    ).toThrowError(/"repo" has an invalid value/);
  });
});
