import { describe, expect, it } from "vitest";
import { loadRegisterConfig } from "../config/load-register-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { fullEnv, problemsOf } from "./support/config-problems.ts";

const oauthEnv = {
  ...fullEnv,
  GITHUB_OAUTH_CLIENT_ID: "Iv1.example",
  GITHUB_OAUTH_CLIENT_SECRET: "example-client-secret",
  TOOL_SERVER_OAUTH_SECRET: "0123456789abcdef0123456789abcdef",
  TOOL_SERVER_PUBLIC_URL: "https://tools.example.com/",
  TOOL_SERVER_OAUTH_REDIRECT_ORIGINS: "https://chat.example.com",
};

describe("the OAuth connection's variables", () => {
  it("are off without GITHUB_OAUTH_CLIENT_ID, and read in full with it", () => {
    expect(loadToolServerConfig(fullEnv).oauth).toBeNull();
    expect(loadToolServerConfig(oauthEnv).oauth).toMatchObject({
      clientId: "Iv1.example",
      publicUrl: "https://tools.example.com",
      githubWebUrl: "https://github.com",
      githubScopes: "repo",
      redirectOrigins: ["https://chat.example.com"],
      accessTokenTtlS: 3_600,
    });
  });

  it("name each missing or bad one and its fix", () => {
    const problems = problemsOf(() =>
      loadToolServerConfig({
        ...fullEnv,
        GITHUB_OAUTH_CLIENT_ID: "Iv1.example",
        TOOL_SERVER_OAUTH_SECRET: "short",
        TOOL_SERVER_OAUTH_REDIRECT_ORIGINS: "https://chat.example.com/path",
        TOOL_SERVER_OAUTH_ACCESS_TOKEN_TTL_S: "60",
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^TOOL_SERVER_OAUTH_ACCESS_TOKEN_TTL_S must be a whole number from 600/),
      expect.stringMatching(/^GITHUB_OAUTH_CLIENT_SECRET is missing/),
      expect.stringMatching(/^TOOL_SERVER_OAUTH_SECRET is missing or shorter than 32 characters/),
      expect.stringMatching(/^TOOL_SERVER_OAUTH_REDIRECT_ORIGINS has "https:\/\/chat.example.com\/path"/),
    ]);
  });

  it("let npm run register take --auth oauth without the tool key, and refuse an unknown mode", () => {
    const { TOOL_SERVER_API_KEY: _key, ...withoutKey } = fullEnv;
    expect(loadRegisterConfig(withoutKey, ["--auth", "oauth"]).auth).toBe("oauth");
    expect(loadRegisterConfig(fullEnv, ["--auth=bearer"]).auth).toBe("bearer");
    expect(problemsOf(() => loadRegisterConfig(withoutKey))).toEqual([
      expect.stringMatching(/^TOOL_SERVER_API_KEY is missing/),
    ]);
    expect(problemsOf(() => loadRegisterConfig(fullEnv, ["--auth", "magic"]))).toEqual([
      expect.stringMatching(/^--auth must be bearer or oauth, got "magic"/),
    ]);
  });
});
