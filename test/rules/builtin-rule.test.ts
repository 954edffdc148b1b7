import { describe, expect, it } from "vitest";
import { parseRepoAllowList } from "../../github/repo-allow-list.ts";
import { classifyDelivery } from "../../relay/classify-delivery.ts";
import { builtinRule, effectiveRules } from "../../relay/rules/builtin-rule.ts";
import { cooldownReason } from "../../relay/rules/cooldown-reason.ts";
import { matchRules, matchSummary } from "../../relay/rules/match-rules.ts";
import { eventFrom, ownLogin, rules } from "../support/match-recorded.ts";
import { justAfter, recordedPayload, type Payload } from "../support/recorded-payloads.ts";

const { allowList } = parseRepoAllowList(["Codertocat/*"]);

/** issues.opened deliveries today's relay answers or ignores, each for its own reason. */
const variants: Array<[string, (p: Payload) => void, { late?: number; own?: string }?]> = [
  ["a person's new issue", () => {}],
  ["a stranger's new issue", (p) => (p.issue.author_association = "NONE")],
  ["an issue a bot opened", (p) => (p.sender = { ...p.sender, login: "helper[bot]", type: "Bot" })],
  // A relay on a personal token posts as a user, not an App's bot.
  [
    "an issue the relay's own account opened",
    (p) => (p.sender = { ...p.sender, login: "Relay-User" }),
    { own: "relay-user" },
  ],
  ["an issue carrying our marker", (p) => (p.issue.body = "<!-- openwebui-github:delivery=1 -->")],
  ["an issue outside GITHUB_REPOS", (p) => (p.repository.owner.login = "elsewhere")],
  ["an issue opened four days ago", () => {}, { late: 96 * 3_600_000 }],
];

describe("the built-in rule (no rules: in the config)", () => {
  it.each(variants)("decides as today's relay on %s", (_, edit, { late = 0, own = ownLogin } = {}) => {
    const payload = recordedPayload("issues", "opened");
    edit(payload);
    const now = justAfter(payload) + late;
    const today = classifyDelivery("issues", payload, { allowList, ownLogin: own, now });
    const event = eventFrom(payload, "issues");
    const result = matchRules([builtinRule], event, { ownLogin: own, now, allowList });
    expect(result.run.length > 0 ? "work" : matchSummary([builtinRule], event, result)).toBe(
      today.kind === "work" ? "work" : (today as { reason: string }).reason,
    );
  });

  it("answers nothing but issues.opened, as today", () => {
    for (const [name, action] of [
      ["issues", "labeled"],
      ["issue_comment", "created"],
      ["pull_request", "opened"],
    ] as const) {
      const payload = recordedPayload(name, action);
      const event = eventFrom(payload, name);
      const result = matchRules([builtinRule], event, { ownLogin, now: justAfter(payload) });
      expect(matchSummary([builtinRule], event, result)).toBe(`no rule for ${name}.${action}`);
    }
  });

  it("applies only when the config has no rules: section; an empty list runs nothing", () => {
    expect(effectiveRules(undefined)).toEqual([builtinRule]);
    expect(effectiveRules([])).toEqual([]);
    const own = rules({ name: "mine", on: "issues.opened" });
    expect(effectiveRules(own)).toBe(own);
  });
});

describe("cooldown", () => {
  const [rule] = rules({ name: "triage", on: "issues.labeled", cooldown: "10m" });

  it("holds a rule back on one thread until its cooldown since the last run there has passed", () => {
    const lastRun = Date.parse("2026-01-01T00:00:00Z");
    expect(cooldownReason(rule!, lastRun, lastRun + 4 * 60_000)).toBe(
      "rule triage: cooldown 10m, ran here 2026-01-01T00:00:00.000Z (360 s left)",
    );
    expect(cooldownReason(rule!, lastRun, lastRun + 10 * 60_000)).toBeNull();
    expect(cooldownReason(rule!, null, lastRun)).toBeNull();
  });
});
