import { describe, expect, it } from "vitest";
import { validateInput } from "../tool-server/validate-input.ts";
import { postIssueComment } from "../tool-server/tools/post-issue-comment.ts";

describe("tool input validation", () => {
  const fields = postIssueComment.input;

  it("accepts a valid call, ignores unknown fields, and takes a numeric string as issue_number", () => {
    expect(validateInput(fields, { owner: "octo", repo: "app", issue_number: "7", body: "hi", extra: true })).toEqual({
      owner: "octo",
      repo: "app",
      issue_number: 7,
      body: "hi",
    });
  });

  it.each([
    [{ repo: "app", issue_number: 1, body: "x" }, /"owner" is required/],
    [{ owner: "octo", repo: "app", issue_number: 1.5, body: "x" }, /"issue_number" must be a whole number/],
    [{ owner: "octo", repo: "app", issue_number: 0, body: "x" }, /"issue_number" must be at least 1/],
    [{ owner: "../x", repo: "app", issue_number: 1, body: "x" }, /"owner" has an invalid value/],
    [{ owner: "octo", repo: "app", issue_number: 1, body: 5 }, /"body" must be a string/],
    [{ owner: "octo", repo: "app", issue_number: 1, body: "x".repeat(60_001) }, /"body" is too long/],
    [[1, 2], /must be a JSON object/],
  ])("answers 400 naming the field for %j", (body, message) => {
    expect(() => validateInput(fields, body)).toThrowError(message);
    try {
      validateInput(fields, body);
    } catch (error) {
      expect((error as { status: number }).status).toBe(400);
    }
  });
});
