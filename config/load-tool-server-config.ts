import { readGitHubConfig, type GitHubConfig } from "./read-github-config.ts";
import { createEnvReader, type Env } from "../lib/read-env.ts";
import { readRedisConfig, type RedisConfig } from "../store/read-redis-config.ts";

export interface ToolServerConfig {
  port: number;
  apiKey: string;
  /** Bearer token for GET /metrics; open without one. */
  metricsToken: string | null;
  github: GitHubConfig & { botLogin: string | null };
  corsOrigins: string[];
  dataDir: string;
  /** Set: the shared store in Redis instead of SQLite in dataDir. */
  redis: RedisConfig | null;
  debug: boolean;
}

/** Reads and checks every tool server variable; throws a ConfigError naming each bad one. */
export function loadToolServerConfig(env: Env): Readonly<ToolServerConfig> {
  const read = createEnvReader(env);
  const config: ToolServerConfig = {
    port: read.integer("TOOL_SERVER_PORT", 8087, { min: 0, max: 65_535 }),
    apiKey: read.requiredString("TOOL_SERVER_API_KEY", "set a long random key (e.g. openssl rand -hex 32) and give the same key to the tool server connection in Open WebUI"),
    metricsToken: read.optionalString("METRICS_TOKEN", "") || null,
    github: { ...readGitHubConfig(read), botLogin: read.optionalString("GITHUB_BOT_LOGIN", "") || null },
    corsOrigins: read.list("TOOL_SERVER_CORS_ORIGINS"),
    dataDir: read.optionalString("DATA_DIR", "./data"),
    redis: readRedisConfig(read),
    debug: read.boolean("DEBUG", false),
  };
  if (config.apiKey && config.apiKey.length < 16) read.fail("TOOL_SERVER_API_KEY is too short: use at least 16 random characters (e.g. openssl rand -hex 32)");
  if (config.metricsToken && config.metricsToken.length < 16) read.fail("METRICS_TOKEN is too short: use at least 16 random characters (e.g. openssl rand -hex 32), or leave it empty to serve /metrics without a token");
  for (const origin of config.corsOrigins) {
    if (origin !== "*" && !/^https?:\/\/[^/\s]+$/.test(origin)) read.fail(`TOOL_SERVER_CORS_ORIGINS has "${origin}": give origins like https://chat.example.com, comma-separated, without a path`);
  }
  read.finish();
  return Object.freeze(config);
}
