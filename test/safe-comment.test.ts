import { describe, expect, it } from "vitest";
import { findCredentials, neutralizeMentions, redactCredentials } from "../github/safe-comment.ts";

describe("what a comment may not carry", () => {
  it("finds and redacts configured secrets and well-known token shapes", () => {
    const token = "ghp_" + "a".repeat(36);
    const text = `Here is the token ${token}, the key tool-key-0123456789 and -----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----`;
    expect(findCredentials(text, ["tool-key-0123456789"]).length).toBeGreaterThanOrEqual(3);
    const clean = redactCredentials(text, ["tool-key-0123456789"]);
    expect(clean).not.toContain(token);
    expect(clean).not.toContain("tool-key-0123456789");
    expect(clean).not.toContain("PRIVATE KEY");
    expect(findCredentials("An ordinary analysis mentioning sk-learn and gh_pages.", [])).toEqual([]);
  });

  it("defuses team mentions, @everyone, and every mention when there are more than three", () => {
    expect(neutralizeMentions("Thanks @octocat, see @octo-org/core and @everyone")).toBe(
      "Thanks @octocat, see `@octo-org/core` and `@everyone`",
    );
    expect(neutralizeMentions("cc @a @b @c @d")).toBe("cc `@a` `@b` `@c` `@d`");
    expect(neutralizeMentions("cc @a @b @a @c")).toBe("cc @a @b @a @c");
    expect(neutralizeMentions("mail me@example.com, code `@a @b @c @d @e` and\n```\n@x @y @z @w @v\n```")).toBe(
      "mail me@example.com, code `@a @b @c @d @e` and\n```\n@x @y @z @w @v\n```",
    );
  });
});
