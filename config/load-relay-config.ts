import { z } from "zod";
import type { Env } from "./config-error.ts";
import type { HookRef } from "../relay/reconcile-deliveries.ts";
import { flag, httpUrl, integer, optionalText, readEnvFields, requiredText, throwProblems } from "./env-fields.ts";
import { readChatDoorsConfig, type ChatDoorsConfig } from "./read-chat-doors-config.ts";
import { readRetentionConfig, type RetentionConfig } from "./read-retention-config.ts";
import { readSharedConfig, type SharedConfig } from "./read-shared-config.ts";
import { repoConfigFields, type RepoConfigSettings } from "./read-repo-config-settings.ts";
import { trustProxyField } from "./listen-fields.ts";
import { reconcileConfig, toolServerIdProblem } from "./relay-checks.ts";
import { secretStrengthProblem } from "./secret-strength.ts";
import { timingProblems } from "./timing-contract.ts";

export interface RelayConfig extends SharedConfig, RepoConfigSettings {
  port: number;
  webhookSecret: string;
  /** `publicUrl`: where people's browsers reach Open WebUI, for links to a run's chat. */
  openWebUI: {
    url: string;
    publicUrl: string;
    apiKey: string;
    model: string;
    toolServerId: string;
    /** How Open WebUI reaches our tools: the connection `npm run register` made (`--mcp`: "mcp"). */
    toolConnection: "openapi" | "mcp";
    timeoutMs: number;
    requestTimeoutMs: number;
  };
  concurrency: number;
  /** Off: this relay only receives and stores; another process works the queue. */
  workerEnabled: boolean;
  /**
   * How long a claim holds a delivery without renewal (RELAY_LEASE_MS); renewed
   * every third of it while the run lives. A process that dies leaves its
   * deliveries to any other after this long.
   */
  leaseMs: number;
  maxAttempts: number;
  /** How often the worker looks at the queue besides being woken by a new delivery (replays by another process, retries coming due). */
  pollIntervalMs: number;
  retry: { baseMs: number; maxMs: number };
  adminToken: string | null;
  shutdownGraceMs: number;
  /** The repository webhook whose failed deliveries are redelivered, when set. */
  reconcile: { hook: HookRef; intervalMs: number; windowMs: number } | null;
  /** GitHub App credentials (the same as github.app): the relay acts as the app, and reconciles its webhook. */
  app: { id: number; privateKey: string } | null;
  commentFallback: boolean;
  /** The proxies whose X-Forwarded-For names the client (TRUST_PROXY, express's `trust proxy`); empty: none. */
  trustProxy: string[];
  /** The webhook door: form-encoded hooks accepted, and the bytes of bodies read at once. */
  webhook: { formEncoded: boolean; maxBytesInFlight: number };
  /** How long deliveries, their payloads, runs and chats are kept. */
  retention: RetentionConfig;
  /** The Slack and Discord doors that have their settings (SLACK_SIGNING_SECRET, DISCORD_PUBLIC_KEY). */
  chatDoors: ChatDoorsConfig;
}

const headFields = {
  port: integer("PORT", 8086, { min: 0, max: 65_535 }),
  webhookSecret: requiredText(
    "GITHUB_WEBHOOK_SECRET",
    "set it to the secret entered in the GitHub webhook's settings (e.g. openssl rand -hex 32)",
  ),
};

const webhookFix = "and enter the same in the GitHub webhook's settings";

const relayFields = {
  openWebUIUrl: httpUrl(
    "OPENWEBUI_URL",
    undefined,
    "set it to Open WebUI's address as the relay reaches it, e.g. http://open-webui:8080",
  ),
  apiKey: requiredText(
    "OPENWEBUI_API_KEY",
    "create an API key in Open WebUI (Settings > Account > API keys; ENABLE_API_KEYS=true) and set OPENWEBUI_API_KEY",
  ),
  model: optionalText("AI_MODEL", "gpt-5"),
  toolServerId: optionalText("OPENWEBUI_TOOL_SERVER_ID", "github"),
  toolConnection: {
    name: "OPENWEBUI_TOOL_CONNECTION",
    schema: z
      .string()
      .optional()
      .transform((value) => value ?? "openapi")
      .pipe(
        z.enum(["openapi", "mcp"], {
          error:
            'OPENWEBUI_TOOL_CONNECTION must be "openapi" or "mcp": the kind of connection npm run register made ("mcp" with --mcp)',
        }),
      ),
    fallback: "openapi" as const,
  },
  timeoutMs: integer("OPENWEBUI_TIMEOUT_MS", 600_000, { min: 1_000, max: 3_600_000 }),
  openWebUIRequestMs: integer("OPENWEBUI_REQUEST_TIMEOUT_MS", 30_000, { min: 1_000, max: 600_000 }),
  concurrency: integer("RELAY_CONCURRENCY", 2, { min: 1, max: 64 }),
  workerEnabled: flag("RELAY_WORKER", true),
  leaseMs: integer("RELAY_LEASE_MS", 20_000, { min: 1_000, max: 3_600_000 }),
  maxAttempts: integer("RELAY_MAX_ATTEMPTS", 5, { min: 1, max: 100 }),
  pollIntervalMs: integer("RELAY_POLL_INTERVAL_MS", 5_000, { min: 10, max: 600_000 }),
  retryBaseMs: integer("RELAY_RETRY_BASE_MS", 30_000, { min: 10, max: 3_600_000 }),
  retryMaxMs: integer("RELAY_RETRY_MAX_MS", 3_600_000, { min: 10, max: 86_400_000 }),
  adminToken: optionalText("RELAY_ADMIN_TOKEN", ""),
  // Docker sends SIGKILL 10 s after SIGTERM by default.
  shutdownGraceMs: integer("RELAY_SHUTDOWN_GRACE_MS", 8_000, { min: 0, max: 600_000 }),
  commentFallback: flag("COMMENT_FALLBACK", true),
  trustProxy: trustProxyField,
  formEncoded: flag("GITHUB_WEBHOOK_FORM_ENCODED", false),
  // At least GitHub's 25 MB, so one delivery of any size can be read.
  inFlightMb: integer("RELAY_WEBHOOK_IN_FLIGHT_MB", 64, { min: 25, max: 4_096 }),
};

/** Reads and checks every relay variable; throws a ConfigError naming each bad one. */
export function loadRelayConfig(env: Env): Readonly<RelayConfig> {
  // The repository config's settings are read with the head: their problems are reported with the rest.
  const head = readEnvFields(env, { ...headFields, ...repoConfigFields });
  const { values: v, problems } = readEnvFields(env, relayFields);
  const { shared, problems: sharedProblems, timings } = readSharedConfig(env);
  const webhookSecret = secretStrengthProblem("GITHUB_WEBHOOK_SECRET", head.values.webhookSecret, webhookFix);
  const { retention, problems: retentionProblems } = readRetentionConfig(env);
  const all = [...head.problems, ...webhookSecret, ...sharedProblems, ...problems, ...retentionProblems];
  // The relay's own address for Open WebUI (http://open-webui:8080 in compose) is often not one a browser can open.
  const publicUrl = env.OPENWEBUI_PUBLIC_URL?.trim()
    ? readEnvFields(env, {
        url: httpUrl(
          "OPENWEBUI_PUBLIC_URL",
          undefined,
          "set it to Open WebUI's address as people open it in a browser, e.g. https://chat.example.com, or leave it empty to use OPENWEBUI_URL",
        ),
      })
    : { values: { url: v.openWebUIUrl }, problems: [] };
  all.push(...publicUrl.problems, ...toolServerIdProblem(v.toolServerId));
  const reconcile = reconcileConfig(env, shared.github.app !== null, all);
  const chatDoors = readChatDoorsConfig(env, all);
  all.push(...secretStrengthProblem("RELAY_ADMIN_TOKEN", v.adminToken, "or leave it empty to turn the admin API off"));
  all.push(
    ...timingProblems({
      ...timings,
      completion: ["OPENWEBUI_TIMEOUT_MS", v.timeoutMs],
      openWebUIRequest: ["OPENWEBUI_REQUEST_TIMEOUT_MS", v.openWebUIRequestMs],
      retry: { base: ["RELAY_RETRY_BASE_MS", v.retryBaseMs], max: ["RELAY_RETRY_MAX_MS", v.retryMaxMs] },
    }),
  );
  throwProblems(all);
  return Object.freeze({
    ...shared,
    ...head.values,
    openWebUI: {
      url: v.openWebUIUrl,
      publicUrl: publicUrl.values.url,
      apiKey: v.apiKey,
      model: v.model,
      toolServerId: v.toolServerId,
      toolConnection: v.toolConnection,
      timeoutMs: v.timeoutMs,
      requestTimeoutMs: v.openWebUIRequestMs,
    },
    concurrency: v.concurrency,
    workerEnabled: v.workerEnabled,
    leaseMs: v.leaseMs,
    maxAttempts: v.maxAttempts,
    pollIntervalMs: v.pollIntervalMs,
    retry: { baseMs: v.retryBaseMs, maxMs: v.retryMaxMs },
    adminToken: v.adminToken || null,
    shutdownGraceMs: v.shutdownGraceMs,
    reconcile,
    app: shared.github.app,
    commentFallback: v.commentFallback,
    trustProxy: v.trustProxy,
    webhook: { formEncoded: v.formEncoded, maxBytesInFlight: v.inFlightMb * 1024 * 1024 },
    retention,
    chatDoors,
  });
}
