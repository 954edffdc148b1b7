import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const readme = resolve(import.meta.dirname, "../../README.md");

/** The YAML block after `<!-- example-config -->` in the README: the config the README shows and the tests load. */
export function readmeExampleConfig(): string {
  const text = readFileSync(readme, "utf8");
  const found = /^<!-- example-config -->\n```ya?ml\n([\s\S]*?)^```/m.exec(text);
  if (!found) throw new Error("README.md has no ```yaml block after <!-- example-config -->");
  return found[1]!;
}
