import { readGitHubConfig, type GitHubConfig } from "./read-github-config.ts";
import { createEnvReader, type Env } from "../lib/read-env.ts";
import { readRedisConfig, type RedisConfig } from "../store/read-redis-config.ts";
import type { HookRef } from "../relay/reconcile-deliveries.ts";

export interface RelayConfig {
  port: number;
  webhookSecret: string;
  github: GitHubConfig & { botLogin: string | null };
  /** `publicUrl`: where people's browsers reach Open WebUI, for links to a run's chat. */
  openWebUI: { url: string; publicUrl: string; apiKey: string; model: string; toolServerId: string; timeoutMs: number };
  concurrency: number;
  /** Off: this relay only receives and stores; another process works the queue. */
  workerEnabled: boolean;
  maxAttempts: number;
  retry: { baseMs: number; maxMs: number };
  adminToken: string | null;
  /** Bearer token for GET /metrics; open without one. */
  metricsToken: string | null;
  shutdownGraceMs: number;
  /** The repository webhook whose failed deliveries are redelivered, when set. */
  reconcile: { hook: HookRef; intervalMs: number; windowMs: number } | null;
  /** GitHub App credentials (the same as github.app): the relay acts as the app, and reconciles its webhook. */
  app: { id: number; privateKey: string } | null;
  commentFallback: boolean;
  dataDir: string;
  /** Set: the shared store in Redis instead of SQLite in dataDir. */
  redis: RedisConfig | null;
  debug: boolean;
}

/** Reads and checks every relay variable; throws a ConfigError naming each bad one. */
export function loadRelayConfig(env: Env): Readonly<RelayConfig> {
  const read = createEnvReader(env);
  const config: RelayConfig = {
    port: read.integer("PORT", 8086, { min: 0, max: 65_535 }),
    webhookSecret: read.requiredString("GITHUB_WEBHOOK_SECRET", "set it to the secret entered in the GitHub webhook's settings (e.g. openssl rand -hex 32)"),
    github: { ...readGitHubConfig(read), botLogin: read.optionalString("GITHUB_BOT_LOGIN", "") || null },
    openWebUI: {
      url: read.url("OPENWEBUI_URL", undefined, "set it to Open WebUI's address as the relay reaches it, e.g. http://open-webui:8080"),
      publicUrl: "",
      apiKey: read.requiredString("OPENWEBUI_API_KEY", "create an API key in Open WebUI (Settings > Account > API keys; ENABLE_API_KEYS=true) and set OPENWEBUI_API_KEY"),
      model: read.optionalString("AI_MODEL", "gpt-5"),
      toolServerId: read.optionalString("OPENWEBUI_TOOL_SERVER_ID", "github"),
      timeoutMs: read.integer("OPENWEBUI_TIMEOUT_MS", 600_000, { min: 1_000, max: 3_600_000 }),
    },
    concurrency: read.integer("RELAY_CONCURRENCY", 2, { min: 1, max: 64 }),
    workerEnabled: read.boolean("RELAY_WORKER", true),
    maxAttempts: read.integer("RELAY_MAX_ATTEMPTS", 5, { min: 1, max: 100 }),
    retry: {
      baseMs: read.integer("RELAY_RETRY_BASE_MS", 30_000, { min: 10, max: 3_600_000 }),
      maxMs: read.integer("RELAY_RETRY_MAX_MS", 3_600_000, { min: 10, max: 86_400_000 }),
    },
    adminToken: read.optionalString("RELAY_ADMIN_TOKEN", "") || null,
    metricsToken: read.optionalString("METRICS_TOKEN", "") || null,
    // Docker sends SIGKILL 10 s after SIGTERM by default.
    shutdownGraceMs: read.integer("RELAY_SHUTDOWN_GRACE_MS", 8_000, { min: 0, max: 600_000 }),
    commentFallback: read.boolean("COMMENT_FALLBACK", true),
    reconcile: null,
    app: null,
    dataDir: read.optionalString("DATA_DIR", "./data"),
    redis: readRedisConfig(read),
    debug: read.boolean("DEBUG", false),
  };
  // The relay's own address for Open WebUI (http://open-webui:8080 in compose) is often not one a browser can open.
  config.openWebUI.publicUrl = read.optionalString("OPENWEBUI_PUBLIC_URL", "") ? read.url("OPENWEBUI_PUBLIC_URL", undefined, "set it to Open WebUI's address as people open it in a browser, e.g. https://chat.example.com, or leave it empty to use OPENWEBUI_URL") : config.openWebUI.url;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(config.openWebUI.toolServerId)) {
    read.fail(`OPENWEBUI_TOOL_SERVER_ID must be letters, digits, "_", "-" or "." (got "${config.openWebUI.toolServerId}")`);
  }
  config.app = config.github.app;
  const hookId = read.optionalString("GITHUB_HOOK_ID", "");
  const hookRepo = read.optionalString("GITHUB_HOOK_REPO", "");
  if (hookId || hookRepo || config.app) {
    const [owner, repo, extra] = hookRepo.split("/");
    const repositoryHook = Boolean(hookId || hookRepo);
    // An installation token is narrowed to issues, and a repository webhook's log needs a token with webhook access.
    if (repositoryHook && config.app) read.fail("GITHUB_HOOK_ID and GITHUB_HOOK_REPO are for a repository webhook with GITHUB_TOKEN; as a GitHub App the relay reconciles the app's own webhook, so leave them empty");
    if (repositoryHook && !/^\d{1,15}$/.test(hookId)) read.fail(`GITHUB_HOOK_ID must be the webhook's numeric id (in its settings URL), got "${hookId}"`);
    if (repositoryHook && (!owner || !repo || extra !== undefined)) read.fail(`GITHUB_HOOK_REPO must be the owner/repo the webhook belongs to, got "${hookRepo}"`);
    config.reconcile = {
      hook: repositoryHook ? { kind: "repository", owner: owner ?? "", repo: repo ?? "", id: Number(hookId) } : { kind: "app" },
      intervalMs: read.integer("RELAY_RECONCILE_INTERVAL_MS", 300_000, { min: 1_000, max: 86_400_000 }),
      // GitHub keeps delivery logs, and allows redelivery, for 3 days.
      windowMs: read.integer("RELAY_RECONCILE_WINDOW_HOURS", 24, { min: 1, max: 72 }) * 3_600_000,
    };
  }
  if (config.adminToken && config.adminToken.length < 16) read.fail("RELAY_ADMIN_TOKEN is too short: use at least 16 random characters (e.g. openssl rand -hex 32), or leave it empty to turn the admin API off");
  if (config.metricsToken && config.metricsToken.length < 16) read.fail("METRICS_TOKEN is too short: use at least 16 random characters (e.g. openssl rand -hex 32), or leave it empty to serve /metrics without a token");
  read.finish();
  return Object.freeze(config);
}
