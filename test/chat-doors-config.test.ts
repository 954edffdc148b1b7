import { describe, expect, it } from "vitest";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { deploymentSecrets } from "../deployment/deployment-secrets.ts";
import { fullEnv, problemsOf } from "./support/config-problems.ts";

const publicKey = "c3f1e0a6b9d2c4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d";

describe("the chat doors' settings", () => {
  it("leave both doors off when empty", () => {
    expect(loadRelayConfig(fullEnv).chatDoors).toEqual({ slack: null, discord: null });
  });

  it("turn each door on with its own setting", () => {
    const config = loadRelayConfig({
      ...fullEnv,
      SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
      DISCORD_PUBLIC_KEY: publicKey.toUpperCase(),
    });
    expect(config.chatDoors).toEqual({
      slack: { signingSecret: "8f742231b10e8888abcd99yyyzzz85a5" },
      discord: { publicKey },
    });
  });

  it("refuse a Discord public key that is not 64 hex characters, saying where to copy it from", () => {
    for (const bad of [publicKey.slice(2), `${publicKey}00`, `${publicKey.slice(1)}g`]) {
      const problems = problemsOf(() => loadRelayConfig({ ...fullEnv, DISCORD_PUBLIC_KEY: bad }));
      expect(problems, bad).toHaveLength(1);
      expect(problems[0], bad).toMatch(/^DISCORD_PUBLIC_KEY is not 64 hex characters: copy the Public Key/);
    }
  });

  it("count Slack's signing secret among the deployment's secrets, never posted or logged", () => {
    const secret = "8f742231b10e8888abcd99yyyzzz85a5";
    expect(deploymentSecrets({ ...fullEnv, SLACK_SIGNING_SECRET: secret })).toContain(secret);
  });
});
