import { describe, expect, it } from "vitest";
import type { ConfigError, Env } from "../config/config-error.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";

const base: Env = {
  TOOL_SERVER_API_KEY: "tool-server-key-for-tests-0123",
  GITHUB_TOKEN: "ghp_standin_token_0123456789",
  GITHUB_REPOS: "octo/app",
};
function problems(env: Env): string[] {
  try {
    loadToolServerConfig({ ...base, ...env });
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

describe("the tool server's identity variables", () => {
  it("verify nobody without a JWT secret, and take a strong one", () => {
    expect(loadToolServerConfig(base).identity).toEqual({ userJwtSecret: null, trustUserHeaders: false, groups: null });
    const secret = "5f2c8a91d3e4b7a06c1f9e2d8b3a7c4e";
    expect(loadToolServerConfig({ ...base, OPENWEBUI_USER_JWT_SECRET: secret }).identity.userJwtSecret).toBe(secret);
  });

  it("refuse a weak JWT secret, without echoing it", () => {
    const found = problems({ OPENWEBUI_USER_JWT_SECRET: "short" });
    expect(found).toEqual([
      expect.stringMatching(/^OPENWEBUI_USER_JWT_SECRET is too short.*Open WebUI the same value/),
    ]);
    expect(found.join()).not.toContain('"short"');
  });

  it("refuse trusting plain headers next to a JWT secret, which would mean nothing", () => {
    const found = problems({
      OPENWEBUI_USER_JWT_SECRET: "5f2c8a91d3e4b7a06c1f9e2d8b3a7c4e",
      TRUST_OPENWEBUI_USER_HEADERS: "true",
    });
    expect(found).toEqual([expect.stringMatching(/TRUST_OPENWEBUI_USER_HEADERS=true means nothing/)]);
    expect(problems({ TRUST_OPENWEBUI_USER_HEADERS: "maybe" })).toEqual([
      expect.stringMatching(/TRUST_OPENWEBUI_USER_HEADERS must be true or false/),
    ]);
  });

  it("need Open WebUI's address for the groups lookup, with a bounded timeout", () => {
    expect(problems({ OPENWEBUI_GROUPS_API_KEY: "sk-admin-0123456789" })).toEqual([
      expect.stringMatching(/OPENWEBUI_URL is missing.*needed with OPENWEBUI_GROUPS_API_KEY/),
    ]);
    const env = { OPENWEBUI_GROUPS_API_KEY: "sk-admin-0123456789", OPENWEBUI_URL: "http://open-webui:8080/" };
    expect(loadToolServerConfig({ ...base, ...env }).identity.groups).toEqual({
      baseUrl: "http://open-webui:8080",
      apiKey: "sk-admin-0123456789",
      timeoutMs: 5_000,
    });
    expect(problems({ ...env, OPENWEBUI_GROUPS_TIMEOUT_MS: "0" })).toEqual([
      expect.stringMatching(/OPENWEBUI_GROUPS_TIMEOUT_MS must be a whole number from 100 to 60000/),
    ]);
  });
});
