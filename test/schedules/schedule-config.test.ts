import { describe, expect, it } from "vitest";
import { parseConfigFile } from "../../config/parse-config-file.ts";

const digest = (extra: string) => `rules:
  - name: daily-digest
    on: schedule
    cron: "0 8 * * 1-5"
    repos: ["octo/app"]
    prompt: Summarise the issues opened and closed in the last 24 hours in {{repository}}.
${extra}`;

const problems = (text: string) => {
  const parsed = parseConfigFile(text, "openwebui-github.yml");
  return parsed.ok ? [] : parsed.problems;
};

describe("schedule rules in openwebui-github.yml", () => {
  it("accepts a schedule with each kind of target, and an IANA time zone", () => {
    for (const target of ["{ issue: 1 }", "{ create_issue: { labels: [digest] } }", "{ notify: team-slack }"]) {
      const parsed = parseConfigFile(
        `${digest(`    target: ${target}\n`)}channels:\n  team-slack: { kind: slack, url_env: SLACK_URL }\n`,
        "f.yml",
      );
      expect(parsed.ok ? [] : parsed.problems, target).toEqual([]);
    }
    const parsed = parseConfigFile(digest("    target: { issue: 1 }\n    timezone: Europe/Berlin"), "f.yml");
    expect(parsed.ok && parsed.config.rules?.[0]).toMatchObject({ on: "schedule", timezone: "Europe/Berlin" });
  });

  it("names the line of a cron expression croner refuses, with croner's reason", () => {
    const text = digest("    target: { issue: 1 }").replace('"0 8 * * 1-5"', '"61 8 * * 1-5"');
    expect(problems(text)).toEqual([
      'openwebui-github.yml:4:11: rules[0].cron: rule "daily-digest": cron "61 8 * * 1-5" is not a valid schedule: Invalid value for minute: 61 (five fields: minute hour day month weekday)',
    ]);
  });

  it("refuses a seconds field, so no schedule can start a run every second", () => {
    const text = digest("    target: { issue: 1 }").replace('"0 8 * * 1-5"', '"* * * * * *"');
    expect(problems(text)).toEqual([
      expect.stringContaining('rules[0].cron: rule "daily-digest": cron "* * * * * *" is not a valid schedule'),
    ]);
  });

  it("refuses a time zone that is not an IANA name", () => {
    expect(problems(digest("    target: { issue: 1 }\n    timezone: Mars/Olympus"))).toEqual([
      'openwebui-github.yml:8:15: rules[0].timezone: rule "daily-digest": timezone "Mars/Olympus" is not an IANA time zone; use a name such as "Europe/Berlin" or "UTC"',
    ]);
  });

  it("needs exactly one repository, a target and a prompt for a schedule", () => {
    const text = `rules:\n  - name: d\n    on: schedule\n    cron: "@daily"\n    repos: ["octo/*"]\n`;
    expect(problems(text)).toEqual([
      expect.stringContaining('rules[0].on: rule "d": needs prompt:'),
      expect.stringContaining('rules[0].on: rule "d": needs target:'),
      expect.stringContaining('rules[0].repos: rule "d": needs repos: with exactly one repository'),
    ]);
  });

  it("refuses a target that names an undefined channel or no issue, and event keys on a schedule", () => {
    expect(problems(digest("    target: { notify: team-slack }"))).toEqual([
      'openwebui-github.yml:7:23: rules[0].target.notify: rule "daily-digest": no channel named "team-slack"; define it under channels:',
    ]);
    expect(problems(digest("    target: { issue: 0 }"))).toEqual([expect.stringContaining("rules[0].target.issue")]);
    expect(problems(digest("    target: { issue: 1 }\n    cooldown: 1h"))).toEqual([
      expect.stringContaining('rules[0].cooldown: rule "daily-digest": cooldown: is for event rules'),
    ]);
  });

  it("refuses schedule keys on an event rule", () => {
    const text = `rules:\n  - name: t\n    on: issues.opened\n    cron: "0 8 * * *"\n    target: { issue: 1 }\n`;
    expect(problems(text)).toEqual([
      expect.stringContaining('rules[0].cron: rule "t": cron: is only for rules with on: schedule'),
      expect.stringContaining('rules[0].target: rule "t": target: is for schedules and webhook rules'),
    ]);
  });

  it("refuses at start a schedule whose repository GITHUB_REPOS does not allow", () => {
    const text = digest("    target: { issue: 1 }");
    const withRepos = (repos: string) => parseConfigFile(text, "openwebui-github.yml", { GITHUB_REPOS: repos });
    expect(withRepos("octo/*").ok).toBe(true);
    expect(withRepos("octo/other")).toEqual({
      ok: false,
      problems: [
        'openwebui-github.yml:5:13: rules[0].repos[0]: rule "daily-digest": octo/app is not in GITHUB_REPOS (octo/other); a schedule works on one of those',
      ],
    });
  });
});
