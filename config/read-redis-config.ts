import type { Env } from "./config-error.ts";
import { integer, optionalText, readEnvFields } from "./env-fields.ts";

export interface RedisConfig {
  url: string;
  prefix: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

const fix =
  "give it as redis://[:password@]host[:port][/db] (rediss:// for TLS), or leave it empty for the embedded SQLite store";

const redisFields = {
  prefix: optionalText("REDIS_PREFIX", "owg"),
  connectTimeoutMs: integer("REDIS_CONNECT_TIMEOUT_MS", 30_000, { min: 100, max: 600_000 }),
  commandTimeoutMs: integer("REDIS_COMMAND_TIMEOUT_MS", 5_000, { min: 100, max: 60_000 }),
};

/** The problem with REDIS_URL, if any. The URL itself is never echoed: it may hold a password. */
function urlProblem(url: string): string | null {
  if (!URL.canParse(url)) return `REDIS_URL is not a URL: ${fix}`;
  const parsed = new URL(url);
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")
    return `REDIS_URL must start with redis:// or rediss://, got "${parsed.protocol}//": ${fix}`;
  if (!parsed.hostname) return `REDIS_URL has no host: ${fix}`;
  if (!/^\/?(\d{1,2})?$/.test(parsed.pathname))
    return `REDIS_URL's path must be a database number like /0, got "${parsed.pathname}": ${fix}`;
  return null;
}

/** REDIS_URL and its companions; null when REDIS_URL is empty (the embedded SQLite store in DATA_DIR). */
export function readRedisConfig(env: Env): { redis: RedisConfig | null; problems: string[] } {
  const url = env.REDIS_URL?.trim() ?? "";
  if (!url) return { redis: null, problems: [] };
  const { values, problems } = readEnvFields(env, redisFields);
  const bad = urlProblem(url);
  if (bad) problems.unshift(bad);
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(values.prefix))
    problems.splice(
      bad ? 1 : 0,
      0,
      `REDIS_PREFIX must be 1 to 64 letters, digits, "_", "-", "." or ":" (got "${values.prefix}")`,
    );
  return { redis: { url, ...values }, problems };
}
