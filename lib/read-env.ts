export type Env = Record<string, string | undefined>;

/** Thrown by loadConfig with one line per bad variable, each naming the fix. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Configuration is incomplete:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * Strict readers that collect every problem instead of stopping at the first,
 * so a newcomer fixes their .env in one pass.
 */
export function createEnvReader(env: Env) {
  const problems: string[] = [];

  function raw(name: string): string | undefined {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  }

  return {
    problems,
    requiredString(name: string, fix: string): string {
      const value = raw(name);
      if (value === undefined) problems.push(`${name} is missing: ${fix}`);
      return value ?? "";
    },
    optionalString(name: string, fallback: string): string {
      return raw(name) ?? fallback;
    },
    url(name: string, fallback: string | undefined, fix: string): string {
      const value = raw(name) ?? fallback;
      if (value === undefined) {
        problems.push(`${name} is missing: ${fix}`);
        return "";
      }
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        problems.push(`${name} is not a URL ("${value}"): ${fix}`);
        return "";
      }
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
        problems.push(`${name} must be an http(s) URL, got "${parsed.protocol}": ${fix}`);
      }
      return value.replace(/\/+$/, "");
    },
    integer(name: string, fallback: number, range: { min: number; max: number }): number {
      const value = raw(name);
      if (value === undefined) return fallback;
      if (!/^\d+$/.test(value) || Number(value) < range.min || Number(value) > range.max) {
        problems.push(`${name} must be a whole number from ${range.min} to ${range.max}, got "${value}"`);
        return fallback;
      }
      return Number(value);
    },
    boolean(name: string, fallback: boolean): boolean {
      const value = raw(name)?.toLowerCase();
      if (value === undefined) return fallback;
      if (["1", "true", "yes", "on"].includes(value)) return true;
      if (["0", "false", "no", "off"].includes(value)) return false;
      problems.push(`${name} must be true or false, got "${env[name]}"`);
      return fallback;
    },
    list(name: string): string[] {
      return (raw(name) ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    },
    fail(message: string) {
      problems.push(message);
    },
    finish() {
      if (problems.length > 0) throw new ConfigError(problems);
    },
  };
}
