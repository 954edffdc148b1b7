import { isAbsolute, resolve } from "node:path";
import type { Env } from "./config-error.ts";

/** The file name looked for in the working directory when CONFIG_FILE is not set. */
export const defaultConfigFileName = "openwebui-github.yml";

/** Where the config file is, and whether it must exist. */
export interface ConfigFileLocation {
  /** As the operator wrote it (or the default name): how problems name the file. */
  shown: string;
  /** Absolute, so a reload reads the same file whatever the working directory became. */
  path: string;
  /** Who named the file (CONFIG_FILE, or a command's argument): then it must be there. Null: the default name, only looked for. */
  namedBy: string | null;
}

/** CONFIG_FILE, or openwebui-github.yml in `cwd`. */
export function configFileLocation(env: Env, cwd: string): ConfigFileLocation {
  const named = env.CONFIG_FILE?.trim();
  return named ? namedConfigFile(named, cwd, "CONFIG_FILE") : namedConfigFile(defaultConfigFileName, cwd, null);
}

/** A file named by `namedBy` (a variable, or a command's argument), relative to `cwd`. */
export function namedConfigFile(shown: string, cwd: string, namedBy: string | null): ConfigFileLocation {
  return { shown, path: isAbsolute(shown) ? shown : resolve(cwd, shown), namedBy };
}
