export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof levels;

/**
 * One JSON object per line. Secrets are removed twice: by key name, and by
 * value, so a token that slips into an error message is still masked.
 */
export function createLogger(options: {
  level?: Level;
  secrets?: string[];
  write?: (line: string) => void;
  base?: LogFields;
}): Logger {
  const threshold = levels[options.level ?? "info"];
  // Lines are JSON: a secret with newlines or quotes (a PEM key) appears escaped in them.
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
  const write = options.write ?? ((line: string) => process.stdout.write(line + "\n"));

  function log(level: Level, message: string, fields?: LogFields) {
    if (levels[level] < threshold) return;
    let line = JSON.stringify({ time: new Date().toISOString(), level, ...options.base, msg: message, ...fields }, redactKeys);
    for (const secret of secrets) line = line.split(secret).join("[redacted]");
    write(line);
  }

  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
  };
}

const secretKey = /authorization|token|secret|password|api[_-]?key|^key$/i;

function redactKeys(key: string, value: unknown) {
  if (key && secretKey.test(key) && typeof value === "string") return "[redacted]";
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
