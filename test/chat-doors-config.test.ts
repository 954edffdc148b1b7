import { describe, expect, it } from "vitest";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { deploymentSecrets } from "../deployment/deployment-secrets.ts";
import { fullEnv, problemsOf } from "./support/config-problems.ts";

const publicKey = "c3f1e0a6b9d2c4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d";

describe("the chat doors' settings", () => {
  it("leave every door off when empty", () => {
    expect(loadRelayConfig(fullEnv).chatDoors).toEqual({ slack: null, discord: null, teams: null });
  });

  it("turn each door on with its own settings, answering through the platforms' APIs unless a test points elsewhere", () => {
    const teamsToken = Buffer.from("teams-outgoing-webhook-security-token").toString("base64");
    const config = loadRelayConfig({
      ...fullEnv,
      SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
      SLACK_BOT_TOKEN: "xoxb-1234-5678-abcdef",
      DISCORD_PUBLIC_KEY: publicKey.toUpperCase(),
      DISCORD_APPLICATION_ID: "1090000000000000001",
      TEAMS_WEBHOOK_SECRET: teamsToken,
    });
    expect(config.chatDoors).toEqual({
      slack: {
        signingSecret: "8f742231b10e8888abcd99yyyzzz85a5",
        botToken: "xoxb-1234-5678-abcdef",
        apiUrl: "https://slack.com/api",
      },
      discord: { publicKey, applicationId: "1090000000000000001", apiUrl: "https://discord.com/api/v10" },
      teams: { securityToken: teamsToken },
    });
  });

  it("refuse a Discord key without the application's id, a bot token that is not one, and a Teams token that is not base64", () => {
    const problems = problemsOf(() =>
      loadRelayConfig({
        ...fullEnv,
        DISCORD_PUBLIC_KEY: publicKey,
        SLACK_BOT_TOKEN: "xoxp-user",
        TEAMS_WEBHOOK_SECRET: "not base64!",
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN does not hold a bot token/),
      expect.stringMatching(/^DISCORD_APPLICATION_ID is missing: \/discord\/interactions needs it/),
      expect.stringMatching(/^TEAMS_WEBHOOK_SECRET is not the security token Teams showed/),
    ]);
  });

  it("refuse a Discord public key that is not 64 hex characters, saying where to copy it from", () => {
    for (const bad of [publicKey.slice(2), `${publicKey}00`, `${publicKey.slice(1)}g`]) {
      const problems = problemsOf(() =>
        loadRelayConfig({ ...fullEnv, DISCORD_PUBLIC_KEY: bad, DISCORD_APPLICATION_ID: "1090000000000000001" }),
      );
      expect(problems, bad).toHaveLength(1);
      expect(problems[0], bad).toMatch(/^DISCORD_PUBLIC_KEY is not 64 hex characters: copy the Public Key/);
    }
  });

  it("count the platforms' secrets among the deployment's secrets, never posted or logged", () => {
    const env = {
      SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
      SLACK_BOT_TOKEN: "xoxb-1234-5678-abcdef",
      DISCORD_BOT_TOKEN: "discord-bot-token-0123456789",
      TEAMS_WEBHOOK_SECRET: "dGVhbXMtb3V0Z29pbmctd2ViaG9vaw==",
    };
    const secrets = deploymentSecrets({ ...fullEnv, ...env });
    for (const value of Object.values(env)) expect(secrets).toContain(value);
  });
});
