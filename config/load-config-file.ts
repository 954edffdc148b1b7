import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { ConfigError, type Env } from "./config-error.ts";
import { emptyConfigFile, type ConfigFile } from "./config-file-schema.ts";
import { defaultConfigFileName, type ConfigFileLocation } from "./config-file-location.ts";
import { parseConfigFile } from "./parse-config-file.ts";

/** The file as read at one moment: absent (the default name, not there) or parsed and valid. */
export interface LoadedConfigFile {
  location: ConfigFileLocation;
  /** False when there is no file at the default path: everything behaves as without a file. */
  found: boolean;
  config: ConfigFile;
}

export type CheckedConfigFile = { ok: true; loaded: LoadedConfigFile } | { ok: false; problems: string[] };

/**
 * At start: the file, or a ConfigError (bin/ prints its lines and exits 78). With `env`, every
 * channel's secret variable must be set (see resolveChannels).
 */
export function loadConfigFile(location: ConfigFileLocation, env?: Env): LoadedConfigFile {
  let read: Read;
  try {
    read = { text: readFileSync(location.path, "utf8") };
  } catch (error) {
    read = { error: error as NodeJS.ErrnoException };
  }
  const result = checkConfigFile(location, read, env);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.loaded;
}

/** On a reload: the same checks, without blocking the services while the file is read. */
export async function readConfigFile(location: ConfigFileLocation, env?: Env): Promise<CheckedConfigFile> {
  const read: Read = await readFile(location.path, "utf8").then(
    (text) => ({ text }),
    (error: NodeJS.ErrnoException) => ({ error }),
  );
  return checkConfigFile(location, read, env);
}

type Read = { text: string } | { error: NodeJS.ErrnoException };

function checkConfigFile(location: ConfigFileLocation, read: Read, env: Env | undefined): CheckedConfigFile {
  if ("error" in read) {
    if (read.error.code === "ENOENT" && !location.namedBy)
      return { ok: true, loaded: { location, found: false, config: emptyConfigFile } };
    return { ok: false, problems: [unreadable(location, read.error)] };
  }
  const parsed = parseConfigFile(read.text, location.shown, env);
  if (!parsed.ok) return parsed;
  return { ok: true, loaded: { location, found: true, config: parsed.config } };
}

function unreadable(location: ConfigFileLocation, error: NodeJS.ErrnoException): string {
  const by = location.namedBy ?? "config file";
  const where = `${location.shown}:1:1: ${by}`;
  switch (error.code) {
    case "ENOENT":
      return by === "CONFIG_FILE"
        ? `${where}: no such file (${location.path}); point CONFIG_FILE at the config file, or unset it to use ./${defaultConfigFileName} when there is one`
        : `${where}: no such file (${location.path}); name the config file`;
    case "EISDIR":
      return `${where}: is a folder (${location.path}); name the file itself`;
    case "EACCES":
      return `${where}: permission denied (${location.path}); let the service's user read it`;
    default:
      return `${where}: cannot be read (${location.path}): ${error.message}`;
  }
}
