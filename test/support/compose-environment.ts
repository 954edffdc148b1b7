import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";

export interface ComposeService {
  image?: string;
  build?: string | { context?: string };
  command?: string[];
  profiles?: string[];
  env_file?: string | Array<string | { path: string; required?: boolean }>;
  /** Our file uses the mapping form; compose's list form (`- KEY=value`) is read too. */
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  restart?: string;
  networks?: string[] | Record<string, unknown>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks?: Record<string, unknown>;
  volumes?: Record<string, unknown>;
}

/** docker-compose.yml as compose reads it: YAML merge keys (`<<: *anchor`) resolved. */
export function parseCompose(text: string): ComposeFile {
  return parseYaml(text, { merge: true }) as ComposeFile;
}

/**
 * Compose's interpolation of `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}` and `$$`, from `dotEnv` (the project's .env). A required variable that is missing throws.
 */
export function interpolate(value: string, dotEnv: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (all, braced?: string, colon?: string, operator?: string, argument?: string, bare?: string) => {
      if (all === "$$") return "$";
      const name = braced ?? bare!;
      const value = dotEnv[name];
      const missing = colon ? !value : value === undefined;
      if (!missing || !operator) return value ?? "";
      if (operator === "-") return interpolate(argument ?? "", dotEnv);
      throw new Error(`compose would refuse to start: ${name} is required (${argument})`);
    },
  );
}

/** A .env-style file's variables, values unquoted (the subset of compose's dotenv syntax our files use). */
export function parseEnvFile(text: string): Record<string, string> {
  const entries = [...text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/gm)].map((m) => {
    const raw = m[2]!;
    const quoted = /^(["'])(.*)\1$/.exec(raw);
    return [m[1]!, quoted ? quoted[2]! : raw.replace(/\s+#.*$/, "")] as const;
  });
  return Object.fromEntries(entries);
}

/**
 * The environment a service's container starts with, as compose builds it: each env_file in order,
 * then `environment` on top, every value interpolated from `dotEnv`. A variable listed without a
 * value would come from the shell running compose: it is given as `shellEnv` has it. `files` stands in
 * for files that are not in the repository (the operator's .env).
 */
export function serviceEnvironment(
  service: ComposeService,
  options: {
    root: string;
    dotEnv: Record<string, string>;
    shellEnv?: Record<string, string>;
    files?: Record<string, string>;
  },
): Record<string, string> {
  const environment: Record<string, string> = {};
  const files = service.env_file === undefined ? [] : [service.env_file].flat();
  for (const file of files) {
    const { path, required } = typeof file === "string" ? { path: file, required: true } : file;
    const full = join(options.root, path);
    const text = options.files?.[path] ?? (existsSync(full) ? readFileSync(full, "utf8") : undefined);
    if (text === undefined) {
      if (required !== false) throw new Error(`compose would refuse to start: env_file ${path} is missing`);
      continue;
    }
    for (const [key, value] of Object.entries(parseEnvFile(text)))
      environment[key] = interpolate(value, options.dotEnv);
  }
  const raw: unknown = service.environment;
  const listed = Array.isArray(raw)
    ? (raw as string[]).map((entry) => {
        const at = entry.indexOf("=");
        return at < 0 ? ([entry, null] as const) : ([entry.slice(0, at), entry.slice(at + 1)] as const);
      })
    : Object.entries(service.environment ?? {});
  for (const [key, value] of listed) {
    if (value === null) {
      const fromShell = options.shellEnv?.[key];
      if (fromShell !== undefined) environment[key] = fromShell;
    } else environment[key] = interpolate(String(value), options.dotEnv);
  }
  return environment;
}
