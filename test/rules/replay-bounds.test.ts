import { describe, expect, it } from "vitest";
import { runKey } from "../../relay/run-key.ts";
import { builtinRule } from "../../relay/rules/builtin-rule.ts";
import { runKeyFor } from "../../relay/rules/run-key-for.ts";
import { eventFrom, match, rules } from "../support/match-recorded.ts";
import { recordedPayload, type Payload } from "../support/recorded-payloads.ts";

const hour = 3_600_000;

describe("opened deliveries for old issues and pull requests are ignored", () => {
  const list = rules({ name: "any", on: ["issues.opened", "pull_request.opened", "issue_comment.created"] });
  const at = (payload: Payload, when: string, hours: number) => ({ now: Date.parse(when) + hours * hour });

  it("ignores issues.opened for an issue created more than 72 hours earlier, with the reason", () => {
    const payload = recordedPayload("issues", "opened");
    const created = payload.issue.created_at as string;
    expect(match(list, "issues", "opened", undefined, at(payload, created, 71)).names).toEqual(["any"]);
    const late = match(list, "issues", "opened", undefined, at(payload, created, 73));
    expect(late.run).toEqual([]);
    expect(late.why).toBe("the issue was created 2019-05-15T15:20:18.000Z, more than 72 hours before this delivery");
  });

  it("does the same for pull_request.opened and for a comment written long ago", () => {
    const pr = recordedPayload("pull_request", "opened");
    expect(match(list, "pull_request", "opened", undefined, at(pr, pr.pull_request.created_at, 73)).why).toMatch(
      /^the pull request was created .*, more than 72 hours before this delivery$/,
    );
    const comment = recordedPayload("issue_comment", "created");
    expect(match(list, "issue_comment", "created", undefined, at(comment, comment.comment.created_at, 73)).why).toMatch(
      /^the comment was created /,
    );
  });

  it("does not bound events about an old thread that happen now (a push, a label)", () => {
    const later = rules({ name: "later", on: ["pull_request.synchronize", "issues.labeled"] });
    const far = { now: Date.parse("2026-01-01T00:00:00Z") };
    expect(match(later, "pull_request", "synchronize", undefined, far).names).toEqual(["later"]);
    expect(match(later, "issues", "labeled", undefined, far).names).toEqual(["later"]);
  });
});

describe("run keys: one run per rule, thread, head commit or text, whatever the delivery id", () => {
  const rule = { name: "summarize-prs" };
  const pr = (action: string, edit?: (p: Payload) => void) => {
    const payload = recordedPayload("pull_request", action);
    edit?.(payload);
    return runKeyFor(rule, eventFrom(payload, "pull_request"));
  };

  it("gives the same key to every delivery about the same pull request at the same head commit", () => {
    const opened = pr("opened");
    expect(opened).toBe("summarize-prs:codertocat/hello-world#2@ec26c3e57ca3a959ca5aad62de7213c562f8c821");
    expect(pr("synchronize")).toBe(opened);
    expect(pr("ready_for_review")).toBe(opened);
    expect(pr("opened", (p) => (p.repository.owner.login = "CODERTOCAT"))).toBe(opened);
  });

  it("gives a new key to a new push", () => {
    expect(pr("synchronize", (p) => (p.pull_request.head.sha = "f".repeat(40)))).not.toBe(pr("opened"));
  });

  it("keys other rules, threads, comments and labels apart", () => {
    const payload = recordedPayload("issue_comment", "created");
    const comment = runKeyFor(rule, eventFrom(payload, "issue_comment"));
    expect(comment).toBe(`summarize-prs:codertocat/hello-world#1/comment:${payload.comment.id}`);
    payload.comment.id += 1;
    expect(runKeyFor(rule, eventFrom(payload, "issue_comment"))).not.toBe(comment);
    expect(runKeyFor({ name: "other" }, eventFrom(payload, "issue_comment"))).not.toBe(comment);
    const labeled = recordedPayload("issues", "labeled");
    expect(runKeyFor(rule, eventFrom(labeled, "issues"))).toBe("summarize-prs:codertocat/hello-world#1/label:bug");
  });

  it("keeps the built-in rule's key the one issues.opened deliveries were stored under before rules", () => {
    const payload = recordedPayload("issues", "opened");
    const before = runKey({
      event: "issues",
      action: "opened",
      repository: payload.repository.full_name,
      issueNumber: payload.issue.number,
      hookId: "1",
      deliveryId: "x",
    });
    expect(runKeyFor(builtinRule, eventFrom(payload, "issues"))).toBe(before);
  });
});
