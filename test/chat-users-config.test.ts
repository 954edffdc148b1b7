import { describe, expect, it } from "vitest";
import { parseConfigFile } from "../config/parse-config-file.ts";

const parse = (text: string) => parseConfigFile(text, "openwebui-github.yml");

describe("people.chat_users and chat: in the config file", () => {
  it("map each platform account to the email the grants name, and name a Teams channel's answers", () => {
    const result = parse(
      [
        "people:",
        "  chat_users:",
        "    - { email: grace@example.com, slack: U061F7AUR, discord: '53908232506183680', teams: aad-grace }",
        "channels:",
        "  eng: { kind: teams, url_env: TEAMS_ENG_URL }",
        "chat:",
        "  teams_channels: { '*': eng }",
      ].join("\n"),
    );
    expect(result).toMatchObject({
      ok: true,
      config: {
        people: { chat_users: [{ email: "grace@example.com", slack: "U061F7AUR", discord: "53908232506183680" }] },
        chat: { teams_channels: { "*": "eng" } },
      },
    });
  });

  it("refuse an entry with no platform, and an account named for two people, at the line that says so", () => {
    const result = parse(
      [
        "people:",
        "  chat_users:",
        "    - { email: grace@example.com, slack: U061F7AUR }",
        "    - { email: mallory@example.com, slack: U061F7AUR }",
        "    - { email: nobody@example.com }",
      ].join("\n"),
    );
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.join("\n")).toContain("slack user U061F7AUR is named twice");
    expect(problems.join("\n")).toContain("name at least one of slack:, discord: or teams:");
  });
});
