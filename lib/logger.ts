import { pino, type DestinationStream } from "pino";

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

type Level = "debug" | "info" | "warn" | "error";

/**
 * One JSON object per line (pino), with `time`, `level` as a word and `msg`
 * first so people and scripts can read it. Secrets are removed twice: by key
 * name anywhere in the fields, and by value in the finished line, so a token
 * that slips into an error message is still masked.
 */
export function createLogger(options: {
  level?: Level;
  secrets?: string[];
  /** Receives each line without its newline (tests capture lines with it); stdout otherwise. */
  write?: (line: string) => void;
  base?: LogFields;
}): Logger {
  // Lines are JSON: a secret with newlines or quotes (a PEM key) appears escaped in them.
  const secrets = [
    ...new Set(
      (options.secrets ?? []).filter((s) => s.length >= 4).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]),
    ),
  ];
  const mask = (line: string) => {
    for (const secret of secrets) if (line.includes(secret)) line = line.replaceAll(secret, "[redacted]");
    return line;
  };
  const write = options.write;
  let destination: DestinationStream;
  if (write) {
    destination = { write: (line: string) => write(mask(line.endsWith("\n") ? line.slice(0, -1) : line)) };
  } else {
    // Synchronous, like process.stdout to a pipe: nothing is lost when the process exits right after a line.
    const stdout = pino.destination({ dest: 1, sync: true });
    destination = { write: (line: string) => stdout.write(mask(line)) };
  }
  const logger = pino(
    {
      level: options.level ?? "info",
      // No pid and hostname: the container and the service name say where a line came from.
      base: options.base ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redactKeys(fields, 0) as Record<string, unknown>,
      },
    },
    destination,
  );

  // The message goes in as a field (not pino's msg argument) so it comes before the fields in the line.
  return {
    debug: (msg, fields) => logger.debug({ msg, ...fields }),
    info: (msg, fields) => logger.info({ msg, ...fields }),
    warn: (msg, fields) => logger.warn({ msg, ...fields }),
    error: (msg, fields) => logger.error({ msg, ...fields }),
  };
}

const secretKey = /authorization|token|secret|password|api[_-]?key|private[_-]?key|^key$/i;

/**
 * By key name at any depth, which pino's `redact` (fixed paths) cannot do for
 * fields that come from anywhere (errors, request options). Errors keep only
 * their name and message: their other properties can hold a request's headers.
 */
function redactKeys(value: unknown, depth: number): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value !== "object" || value === null || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => redactKeys(item, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = typeof item === "string" && secretKey.test(key) ? "[redacted]" : redactKeys(item, depth + 1);
  }
  return out;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
