import { ConfigError } from "../../config/config-error.ts";

/** Every problem a config loader reports, or none. */
export function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** A complete environment for both services, every value strong enough to pass the start-up checks. */
export const fullEnv: Readonly<Record<string, string>> = {
  GITHUB_WEBHOOK_SECRET: "s3cret-webhook-0123456789",
  GITHUB_TOKEN: "ghp_example_token_value",
  GITHUB_REPOS: "octo/app",
  GITHUB_API_URL: "http://127.0.0.1:9",
  GITHUB_BOT_LOGIN: "bot",
  OPENWEBUI_URL: "http://127.0.0.1:9/",
  OPENWEBUI_API_KEY: "sk-example",
  TOOL_SERVER_API_KEY: "tool-server-key-0123456789",
};
