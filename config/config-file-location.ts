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
  /** CONFIG_FILE names a file that must be there; the default name is only looked for. */
  required: boolean;
}

/** CONFIG_FILE, or openwebui-github.yml in `cwd`. */
export function configFileLocation(env: Env, cwd: string): ConfigFileLocation {
  const named = env.CONFIG_FILE?.trim();
  const shown = named || defaultConfigFileName;
  return { shown, path: isAbsolute(shown) ? shown : resolve(cwd, shown), required: Boolean(named) };
}
