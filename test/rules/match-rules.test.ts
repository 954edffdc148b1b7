import { describe, expect, it } from "vitest";
import { supportedEvents } from "../../config/rules-schema.ts";
import { parseRepoAllowList } from "../../github/repo-allow-list.ts";
import { matchRules } from "../../relay/rules/match-rules.ts";
import { toRuleEvent } from "../../relay/rules/rule-event.ts";
import { eventFrom, match, ownLogin, rules } from "../support/match-recorded.ts";
import { justAfter, recordedPayload, type Payload } from "../support/recorded-payloads.ts";

describe("matching GitHub's recorded payloads against rules", () => {
  it.each(supportedEvents.map((name) => [name]))("runs a rule on %s", (name) => {
    const [event, action] = name.split(".") as [string, string];
    const result = match(rules({ name: "r", on: name }), event, action);
    expect(result.names).toEqual(["r"]);
    expect(result.event).toMatchObject({ name, owner: "Codertocat", repo: "Hello-World" });
  });

  it("reads each event's thread, author and head commit from its payload", () => {
    expect(match([], "issue_comment", "created").event).toMatchObject({
      kind: "issue",
      number: 1,
      text: { kind: "comment", author: { login: "Codertocat", association: "OWNER", isBot: false } },
    });
    const pr = match([], "pull_request", "synchronize").event;
    expect(pr).toMatchObject({ kind: "pr", number: 2, draft: false, text: null, changedPaths: null });
    expect(pr.headSha).toMatch(/^ec26c3e/);
    expect(match([], "pull_request_review", "submitted").event.text).toMatchObject({ kind: "review", body: "" });
    expect(match([], "issues", "labeled").event.addedLabel).toBe("bug");
  });

  it("says no rule listens when none names the event", () => {
    const result = match(rules({ name: "triage", on: "issues.opened" }), "issue_comment", "created");
    expect(result.run).toEqual([]);
    expect(result.why).toBe("no rule for issue_comment.created");
  });

  it("refuses payloads rules cannot read, saying what is missing", () => {
    expect(toRuleEvent("push", recordedPayload("issues", "opened"))).toBe("push is not an event rules handle");
    const broken = recordedPayload("issues", "opened");
    delete broken.repository;
    expect(toRuleEvent("issues", broken)).toMatch(/^the issues payload is unusable: repository: /);
  });

  it("keeps a rule to its repos, case-insensitively, and every rule to GITHUB_REPOS", () => {
    const list = rules(
      { name: "elsewhere", on: "issues.opened", repos: ["octo/*"] },
      { name: "here", on: "issues.opened", repos: ["codertocat/hello-world"] },
    );
    const result = match(list, "issues", "opened");
    expect(result.names).toEqual(["here"]);
    expect(result.skipped).toEqual([{ rule: "elsewhere", reason: "Codertocat/Hello-World is not in its repos" }]);
    const payload = recordedPayload("issues", "opened");
    const { allowList } = parseRepoAllowList(["octo/*"]);
    const outside = matchRules(list, eventFrom(payload, "issues"), { ownLogin, now: justAfter(payload), allowList });
    expect(outside).toEqual({
      run: [],
      skipped: [{ rule: null, reason: "Codertocat/Hello-World is not in GITHUB_REPOS" }],
    });
  });
});

describe("first match, and continue", () => {
  const both = (first: object) =>
    rules({ name: "first", on: "issues.opened", ...first }, { name: "second", on: "issues.opened" });

  it("runs only the first matching rule", () => {
    const result = match(both({}), "issues", "opened");
    expect(result.names).toEqual(["first"]);
    expect(result.why).toBe("rule first ran");
    expect(result.skipped).toEqual([{ rule: "second", reason: "rule first matched first (without continue)" }]);
  });

  it("lets the next matching rule run too when the first says continue", () => {
    const result = match(both({ continue: true }), "issues", "opened");
    expect(result.names).toEqual(["first", "second"]);
    expect(result.why).toBe("rules first, second ran");
  });

  it("runs the next rule when the first does not match", () => {
    expect(match(both({ if: { draft: true } }), "pull_request", "opened").names).toEqual([]);
    const list = rules(
      { name: "drafts", on: "pull_request.opened", if: { draft: true } },
      { name: "all", on: "pull_request.opened" },
    );
    const result = match(list, "pull_request", "opened");
    expect(result.names).toEqual(["all"]);
    expect(result.skipped).toEqual([{ rule: "drafts", reason: "draft is false" }]);
  });
});

describe("who may start a run", () => {
  const answer = rules({ name: "answer-mentions", on: "issue_comment.created" });
  const byStranger = (p: Payload) => (p.comment.author_association = "NONE");

  it("answers comments only from people with write access by default", () => {
    const result = match(answer, "issue_comment", "created", byStranger);
    expect(result.run).toEqual([]);
    expect(result.why).toBe("rule answer-mentions: author NONE may not trigger (authors: OWNER, MEMBER, COLLABORATOR)");
    for (const association of ["OWNER", "MEMBER", "COLLABORATOR"])
      expect(
        match(answer, "issue_comment", "created", (p) => (p.comment.author_association = association)).names,
      ).toEqual(["answer-mentions"]);
    const review = rules({ name: "reviews", on: "pull_request_review_comment.created" });
    expect(match(review, "pull_request_review_comment", "created", byStranger).names).toEqual([]);
  });

  it("lets a rule widen or narrow its authors", () => {
    const open = rules({ name: "anyone", on: "issue_comment.created", authors: ["OWNER", "NONE"] });
    expect(match(open, "issue_comment", "created", byStranger).names).toEqual(["anyone"]);
    const owners = rules({ name: "owners", on: "issues.opened", authors: ["OWNER"] });
    expect(match(owners, "issues", "opened", (p) => (p.issue.author_association = "MEMBER")).why).toBe(
      "rule owners: author MEMBER may not trigger (authors: OWNER)",
    );
  });

  it("takes the comment's author, not the issue's, for a comment", () => {
    const result = match(answer, "issue_comment", "created", (p) => {
      p.issue.author_association = "OWNER";
      p.comment.author_association = "NONE";
    });
    expect(result.names).toEqual([]);
  });

  it("runs issues.opened for anyone by default, as today", () => {
    const triage = rules({ name: "triage", on: "issues.opened" });
    expect(match(triage, "issues", "opened", (p) => (p.issue.author_association = "NONE")).names).toEqual(["triage"]);
  });
});
