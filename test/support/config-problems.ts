import { ConfigError } from "../../config/config-error.ts";

/** Every problem a config loader reports, or none. */
export function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
