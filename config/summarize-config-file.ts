import type { PeoplePolicy } from "./people-schema.ts";
import type { LoadedConfigFile } from "./load-config-file.ts";

/** One line saying what the file sets, for `config check`, the reload log and the deliveries page. */
export function summarizeConfigFile(loaded: LoadedConfigFile): string {
  const { location, found, config } = loaded;
  if (!found) return `no file at ${location.shown}: the built-in defaults apply`;
  const sections = Object.entries(config)
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) =>
        `${key}: ${key === "people" ? summarizePeople(value as PeoplePolicy) : summarizeSection(value)}`,
    );
  return `${location.shown}: ${sections.length > 0 ? sections.join("; ") : "no sections, the built-in defaults apply"}`;
}

function summarizePeople(people: PeoplePolicy): string {
  const grants = `${people.grants.length} grant${people.grants.length === 1 ? "" : "s"}`;
  return `default ${people.default}, ${grants}, ${people.comments_per_hour} comments per hour per person, attribution ${people.attribution ? "on" : "off"}`;
}

function summarizeSection(value: unknown): string {
  if (Array.isArray(value)) return `${value.length} entr${value.length === 1 ? "y" : "ies"}`;
  return "set";
}
