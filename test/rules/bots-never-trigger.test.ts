import { describe, expect, it } from "vitest";
import { match, rules } from "../support/match-recorded.ts";
import type { Payload } from "../support/recorded-payloads.ts";

// A rule anyone may start, so only the bot checks can stop it.
const anyone = ["OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "NONE"];
const answer = rules({ name: "answer", on: "issue_comment.created", authors: anyone, if: { mentions_bot: true } });
const mention = (p: Payload) => (p.comment.body = "@triage-relay please look");

function asBot(p: Payload, login: string) {
  mention(p);
  p.sender = { ...p.sender, login, type: "Bot" };
  p.comment.user = { ...p.comment.user, login, type: "Bot" };
}

describe("bots never start a run", () => {
  it("ignores the relay's own comments, even when they mention it", () => {
    const result = match(answer, "issue_comment", "created", (p) => asBot(p, "triage-relay[bot]"));
    expect(result.run).toEqual([]);
    expect(result.why).toBe("sender triage-relay[bot] is a bot");
  });

  it("ignores other bots, told apart by type: Bot whatever their login", () => {
    expect(match(answer, "issue_comment", "created", (p) => asBot(p, "renovate")).why).toBe("sender renovate is a bot");
  });

  it("never takes a login ending in [bot] for a person, whatever its type says", () => {
    const result = match(answer, "issue_comment", "created", (p) => {
      mention(p);
      p.comment.user = { ...p.comment.user, login: "lookalike[bot]", type: "User" };
    });
    expect(result.why).toBe("the comment's author lookalike[bot] is a bot");
  });

  it("ignores text an App wrote on a person's behalf", () => {
    const result = match(answer, "issue_comment", "created", (p) => {
      mention(p);
      p.comment.performed_via_github_app = { id: 1, slug: "some-app", name: "Some App" };
    });
    expect(result.why).toBe("the comment was posted by a GitHub App on Codertocat's behalf");
  });

  it("ignores the relay's own account when it posts as a user (a token, not an App)", () => {
    const result = match(answer, "issue_comment", "created", mention, { ownLogin: "Codertocat" });
    expect(result.why).toBe("sender Codertocat is this relay's own account");
  });

  it("ignores a comment carrying the relay's marker, whoever posted it", () => {
    const result = match(answer, "issue_comment", "created", (p) => {
      p.comment.body = "@triage-relay <!-- openwebui-github:delivery=abc -->";
    });
    expect(result.why).toBe("the text carries this relay's marker (our own output)");
  });

  it("does not start a labeled rule on a label a bot added (its own add_labels)", () => {
    const triage = rules({ name: "triage", on: "issues.labeled" });
    const result = match(
      triage,
      "issues",
      "labeled",
      (p) => (p.sender = { ...p.sender, login: "triage-relay[bot]", type: "Bot" }),
    );
    expect(result.why).toBe("sender triage-relay[bot] is a bot");
  });

  it("still answers a person's mention", () => {
    expect(match(answer, "issue_comment", "created", mention).names).toEqual(["answer"]);
  });
});
