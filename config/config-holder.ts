import { newSecretVariablesProblem } from "./secret-variable-names.ts";
import type { Logger } from "../lib/logger.ts";
import type { Env } from "./config-error.ts";
import { emptyConfigFile, type ConfigFile } from "./config-file-schema.ts";
import { readConfigFile, type LoadedConfigFile } from "./load-config-file.ts";
import { defaultPeoplePolicy, type PeoplePolicy } from "./people-schema.ts";
import { summarizeConfigFile } from "./summarize-config-file.ts";

export type ReloadResult =
  { ok: true; changed: boolean; summary: string } | { ok: false; problems: string[]; summary: string };

export type ConfigListener = (config: ConfigFile, previous: ConfigFile) => void;

/** The config file a running process uses, swapped only for a newer valid one. */
export interface ConfigHolder {
  /** The file's contents now (sections it does not set are absent). */
  current(): ConfigFile;
  /** The people policy now: the file's `people:` section, or the built-in default. */
  people(): PeoplePolicy;
  /** Reads the file again; swaps and tells the listeners only when it is valid. Logs either way. */
  reload(): Promise<ReloadResult>;
  /** Called after each swap that changed something; returns the way to stop listening. */
  onChange(listener: ConfigListener): () => void;
}

/**
 * Holds what `loadConfigFile` read at start. Without `initial` (a deployment built without a file,
 * as tests do) the built-in defaults hold and a reload has nothing to read. With `env`, a reload
 * refuses a file whose channels name a variable that is not set, as start-up does, and one that names
 * a credential variable the file at start did not (its value is not among the secrets never posted).
 */
export function createConfigHolder(initial: LoadedConfigFile | null, logger: Logger, env?: Env): ConfigHolder {
  let loaded = initial;
  const listeners = new Set<ConfigListener>();
  // One reload at a time: a slow read must not swap in an older file over a newer one.
  let queue: Promise<unknown> = Promise.resolve();
  const current = () => loaded?.config ?? emptyConfigFile;

  async function reloadNow(): Promise<ReloadResult> {
    if (!loaded) return { ok: true, changed: false, summary: "this process was started without a config file" };
    const read = await readConfigFile(loaded.location, env);
    const added = read.ok && env && initial ? newSecretVariablesProblem(initial.config, read.loaded.config) : null;
    const result = added ? { ok: false as const, problems: [`${loaded.location.shown}: ${added}`] } : read;
    if (!result.ok) {
      for (const problem of result.problems)
        logger.warn("config file refused, the previous one stays", { file: loaded.location.shown, problem });
      return { ok: false, problems: result.problems, summary: summarizeConfigFile(loaded) };
    }
    const previous = loaded.config;
    const changed = JSON.stringify(previous) !== JSON.stringify(result.loaded.config);
    loaded = result.loaded;
    const summary = summarizeConfigFile(loaded);
    logger.info("config file reloaded", { file: loaded.location.shown, changed, summary });
    if (changed) for (const listener of listeners) tell(listener, loaded.config, previous);
    return { ok: true, changed, summary };
  }

  function tell(listener: ConfigListener, config: ConfigFile, previous: ConfigFile) {
    try {
      listener(config, previous);
    } catch (error) {
      logger.error("a config file listener failed", { error });
    }
  }

  return {
    current,
    people: () => current().people ?? defaultPeoplePolicy,
    reload() {
      const next = queue.then(reloadNow);
      queue = next.catch(() => undefined);
      return next;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
