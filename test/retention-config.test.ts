import { describe, expect, it } from "vitest";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { problemsOf } from "./support/config-problems.ts";

const day = 86_400_000;
const env = {
  GITHUB_WEBHOOK_SECRET: "s3cret-webhook-0123456789",
  GITHUB_TOKEN: "ghp_example_token_value",
  GITHUB_REPOS: "octo/app",
  GITHUB_API_URL: "http://127.0.0.1:9",
  GITHUB_BOT_LOGIN: "bot",
  OPENWEBUI_URL: "http://127.0.0.1:9/",
  OPENWEBUI_API_KEY: "sk-example",
};

describe("the retention policy's configuration", () => {
  it("keeps deliveries 30 days by default, failed and dead as long, done payloads cut down, chats kept", () => {
    expect(loadRelayConfig(env).retention).toEqual({
      keepMs: 30 * day,
      keepFailedMs: 30 * day,
      keepDonePayloads: false,
      intervalMs: 600_000,
      batchSize: 500,
      chatKeepMs: null,
    });
    expect(
      loadRelayConfig({
        ...env,
        RELAY_RETENTION_DAYS: "7",
        RELAY_FAILED_RETENTION_DAYS: "90",
        RELAY_KEEP_DONE_PAYLOADS: "true",
        OPENWEBUI_CHAT_RETENTION_DAYS: "14",
      }).retention,
    ).toMatchObject({ keepMs: 7 * day, keepFailedMs: 90 * day, keepDonePayloads: true, chatKeepMs: 14 * day });
    // Left empty, failed and dead deliveries follow RELAY_RETENTION_DAYS.
    expect(loadRelayConfig({ ...env, RELAY_RETENTION_DAYS: "45" }).retention.keepFailedMs).toBe(45 * day);
  });

  it("refuses at start-up to keep deliveries less than GitHub's 3-day redelivery window, or failed ones less than done ones", () => {
    expect(problemsOf(() => loadRelayConfig({ ...env, RELAY_RETENTION_DAYS: "2" }))).toEqual([
      expect.stringMatching(/^RELAY_RETENTION_DAYS is 2: keep deliveries at least 3 days, GitHub's redelivery window/),
    ]);
    expect(
      problemsOf(() => loadRelayConfig({ ...env, RELAY_RETENTION_DAYS: "10", RELAY_FAILED_RETENTION_DAYS: "5" })),
    ).toEqual([expect.stringMatching(/^RELAY_FAILED_RETENTION_DAYS is 5, less than RELAY_RETENTION_DAYS \(10\)/)]);
    expect(problemsOf(() => loadRelayConfig({ ...env, RELAY_RETENTION_DAYS: "thirty" }))).toEqual([
      expect.stringMatching(/^RELAY_RETENTION_DAYS must be a whole number/),
    ]);
  });
});
