import { describe, expect, it } from "vitest";
import { matchRules, matchSummary, needsChangedPaths } from "../../relay/rules/match-rules.ts";
import { mentionedLogins } from "../../relay/rules/mentioned-logins.ts";
import { eventFrom, match, ownLogin, rules } from "../support/match-recorded.ts";
import { justAfter, recordedPayload, type Payload } from "../support/recorded-payloads.ts";

const onComment = (conditions: object) => rules({ name: "r", on: "issue_comment.created", if: conditions });
const saying = (body: string) => (p: Payload) => (p.comment.body = body);

describe("if: mentions_bot", () => {
  it("runs when the comment mentions the App by its slug or full login", () => {
    const rule = onComment({ mentions_bot: true });
    expect(match(rule, "issue_comment", "created", saying("@triage-relay what do you think?")).names).toEqual(["r"]);
    expect(match(rule, "issue_comment", "created", saying("cc @Triage-Relay[bot]")).names).toEqual(["r"]);
    expect(match(rule, "issue_comment", "created", saying("no mention")).why).toBe(
      "rule r: the text does not mention @triage-relay[bot]",
    );
  });

  it("does not count mentions in code, quotes, HTML comments or email addresses", () => {
    const rule = onComment({ mentions_bot: true });
    for (const body of [
      "`@triage-relay` is the bot",
      "```\n@triage-relay\n```",
      "> @triage-relay please delete everything\n\nI disagree with the above",
      "<!-- @triage-relay -->",
      "mail me at someone@triage-relay.example",
      "@triage-relay/maintainers please look",
    ])
      expect(match(rule, "issue_comment", "created", saying(body)).names, body).toEqual([]);
  });

  it("mentions_bot: false runs only on comments that do not mention the bot", () => {
    const rule = onComment({ mentions_bot: false });
    expect(match(rule, "issue_comment", "created", saying("@triage-relay hi")).names).toEqual([]);
    expect(match(rule, "issue_comment", "created", saying("hi")).names).toEqual(["r"]);
  });

  it("cannot be checked without the relay's login", () => {
    const result = match(onComment({ mentions_bot: true }), "issue_comment", "created", saying("@x"), {
      ownLogin: null,
    });
    expect(result.why).toBe("rule r: mentions_bot cannot be checked: the relay's login is unknown");
  });

  it("lists the logins a text mentions once each", () => {
    expect(mentionedLogins("@a and @B, then @a again; see\n~~~\n@c\n~~~\nand `@d`")).toEqual(["a", "b"]);
  });
});

describe("if: labels_any", () => {
  it("looks at the thread's labels, case-insensitively", () => {
    expect(match(onComment({ labels_any: ["BUG", "question"] }), "issue_comment", "created").names).toEqual(["r"]);
    expect(match(onComment({ labels_any: ["question"] }), "issue_comment", "created").why).toBe(
      "rule r: the labels (bug) are not in labels_any",
    );
  });

  it("on issues.labeled looks only at the label just added", () => {
    const rule = rules({ name: "triage", on: "issues.labeled", if: { labels_any: ["triage"] } });
    expect(match(rule, "issues", "labeled").why).toBe("rule triage: the label added (bug) is not in labels_any");
    const added = (p: Payload) => {
      p.label = { ...p.label, name: "triage" };
      p.issue.labels.push(p.label);
    };
    expect(match(rule, "issues", "labeled", added).names).toEqual(["triage"]);
  });
});

describe("if: author_association, draft, title_matches, body_matches, paths", () => {
  it("author_association looks at whoever wrote the triggering text", () => {
    const newcomers = rules({
      name: "welcome",
      on: "issues.opened",
      if: { author_association: ["NONE", "FIRST_TIMER"] },
    });
    expect(match(newcomers, "issues", "opened").why).toBe(
      "rule welcome: author_association OWNER is not one of NONE, FIRST_TIMER",
    );
    expect(match(newcomers, "issues", "opened", (p) => (p.issue.author_association = "FIRST_TIMER")).names).toEqual([
      "welcome",
    ]);
  });

  it("draft: false skips draft pull requests, and says so on issues", () => {
    const rule = rules({ name: "summary", on: ["pull_request.opened", "issue_comment.created"], if: { draft: false } });
    expect(match(rule, "pull_request", "opened").names).toEqual(["summary"]);
    expect(match(rule, "pull_request", "opened", (p) => (p.pull_request.draft = true)).why).toBe(
      "rule summary: draft is true",
    );
    const issueComment = match(rule, "issue_comment", "created", (p) => delete p.issue.draft);
    expect(issueComment.why).toBe("rule summary: draft: the event is not a pull request that says");
  });

  it("title_matches and body_matches use RE2 syntax, (?i) for case", () => {
    const rule = rules({
      name: "crash",
      on: "issues.opened",
      if: { title_matches: "(?i)^spelling", body_matches: "two .t.s" },
    });
    expect(match(rule, "issues", "opened").names).toEqual(["crash"]);
    expect(match(rule, "issues", "opened", (p) => (p.issue.title = "Crash on start")).why).toBe(
      "rule crash: the title does not match title_matches",
    );
    expect(match(rule, "issues", "opened", (p) => (p.issue.body = "no readme here")).why).toBe(
      "rule crash: the text does not match body_matches",
    );
  });

  it("body_matches reads the comment on comment events, not the issue's body", () => {
    const rule = onComment({ body_matches: "^/summarize" });
    expect(match(rule, "issue_comment", "created", saying("/summarize please")).names).toEqual(["r"]);
    expect(match(rule, "issue_comment", "created", (p) => (p.issue.body = "/summarize")).names).toEqual([]);
  });

  it("paths matches the changed files the caller fetched, and says when they are unknown", () => {
    const list = rules({ name: "docs", on: "pull_request.synchronize", if: { paths: ["docs/**", "*.md"] } });
    const payload = recordedPayload("pull_request", "synchronize");
    const context = { ownLogin, now: justAfter(payload) };
    const run = (paths?: string[]) => {
      const event = eventFrom(payload, "pull_request", paths);
      const result = matchRules(list, event, context);
      return result.run.length ? "runs" : matchSummary(list, event, result);
    };
    expect(run()).toBe("rule docs: paths: the changed files are not known for this delivery");
    expect(run(["src/a.ts", "docs/guide/setup.md"])).toBe("runs");
    expect(run(["README.md"])).toBe("runs");
    expect(run(["src/README.md", "docs"])).toBe("rule docs: no changed file matches paths");
  });

  it("asks the caller for the changed files only when a rule on the event uses paths", () => {
    const withPaths = rules({ name: "docs", on: "pull_request.synchronize", if: { paths: ["docs/**"] } });
    const without = rules({ name: "all", on: "pull_request.synchronize" });
    const payload = recordedPayload("pull_request", "synchronize");
    expect(needsChangedPaths(withPaths, eventFrom(payload, "pull_request"))).toBe(true);
    expect(needsChangedPaths(withPaths, eventFrom(payload, "pull_request", ["docs/a.md"]))).toBe(false);
    expect(needsChangedPaths(without, eventFrom(payload, "pull_request"))).toBe(false);
    expect(needsChangedPaths(withPaths, eventFrom(recordedPayload("pull_request", "opened"), "pull_request"))).toBe(
      false,
    );
  });
});
