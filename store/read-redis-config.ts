import type { createEnvReader } from "../lib/read-env.ts";

export interface RedisConfig {
  url: string;
  prefix: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  livenessMs: number;
}

/** REDIS_URL and its companions; null when REDIS_URL is empty (the embedded SQLite store in DATA_DIR). */
export function readRedisConfig(read: ReturnType<typeof createEnvReader>): RedisConfig | null {
  const url = read.optionalString("REDIS_URL", "");
  if (!url) return null;
  const fix = "give it as redis://[:password@]host[:port][/db] (rediss:// for TLS), or leave it empty for the embedded SQLite store";
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: the value may hold a password.
    read.fail(`REDIS_URL is not a URL: ${fix}`);
  }
  if (parsed) {
    if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") read.fail(`REDIS_URL must start with redis:// or rediss://, got "${parsed.protocol}//": ${fix}`);
    else if (!parsed.hostname) read.fail(`REDIS_URL has no host: ${fix}`);
    else if (!/^\/?(\d{1,2})?$/.test(parsed.pathname)) read.fail(`REDIS_URL's path must be a database number like /0, got "${parsed.pathname}": ${fix}`);
  }
  const prefix = read.optionalString("REDIS_PREFIX", "owg");
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(prefix)) read.fail(`REDIS_PREFIX must be 1 to 64 letters, digits, "_", "-", "." or ":" (got "${prefix}")`);
  return {
    url,
    prefix,
    connectTimeoutMs: read.integer("REDIS_CONNECT_TIMEOUT_MS", 30_000, { min: 100, max: 600_000 }),
    commandTimeoutMs: read.integer("REDIS_COMMAND_TIMEOUT_MS", 5_000, { min: 100, max: 60_000 }),
    livenessMs: read.integer("REDIS_LIVENESS_MS", 15_000, { min: 1_000, max: 600_000 }),
  };
}

/** The password in REDIS_URL, a secret to keep out of logs and comments ("" without one). */
export function redisPassword(redis: RedisConfig | null): string {
  try {
    return redis ? decodeURIComponent(new URL(redis.url).password) : "";
  } catch {
    return "";
  }
}
