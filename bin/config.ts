// `npm run config -- check [file]`: validates openwebui-github.yml (or CONFIG_FILE, or the file named)
// without starting anything: a summary and exit 0, or each problem and exit 78, as `npm start` would.
// `npm run config -- schema [--write]`: the file's JSON Schema, on stdout or into schema/ (with the
// schema of a repository's own .github/openwebui-github.yml).
import { writeFile } from "node:fs/promises";
import { relative } from "node:path";
import { configFileLocation, namedConfigFile } from "../config/config-file-location.ts";
import {
  configFileJsonSchema,
  publishedRepoSchemaPath,
  publishedSchemaPath,
  repoConfigJsonSchema,
} from "../config/config-file-json-schema.ts";
import { readConfigFile } from "../config/load-config-file.ts";
import { summarizeConfigFile } from "../config/summarize-config-file.ts";
import { loadDotEnv } from "./environment.ts";

loadDotEnv();
const [command, ...rest] = process.argv.slice(2);

if (command === "check" && rest.length <= 1) {
  // A file named here must exist, like one CONFIG_FILE names.
  const location = rest[0]
    ? namedConfigFile(rest[0], process.cwd(), "the file to check")
    : configFileLocation(process.env, process.cwd());
  const result = await readConfigFile(location, process.env);
  if (result.ok) process.stdout.write(`valid: ${summarizeConfigFile(result.loaded)}\n`);
  else {
    process.stderr.write(`${result.problems.join("\n")}\n`);
    process.exitCode = 78;
  }
} else if (command === "schema" && (rest.length === 0 || (rest.length === 1 && rest[0] === "--write"))) {
  const text = `${JSON.stringify(configFileJsonSchema(), null, 2)}\n`;
  if (rest[0] !== "--write") process.stdout.write(text);
  else {
    // The repository's own file (.github/openwebui-github.yml) has its schema beside the deployment's.
    const repoText = `${JSON.stringify(repoConfigJsonSchema(), null, 2)}\n`;
    for (const [path, content] of [
      [publishedSchemaPath, text],
      [publishedRepoSchemaPath, repoText],
    ] as const) {
      await writeFile(path, content);
      process.stdout.write(`Wrote ${relative(process.cwd(), path)}.\n`);
    }
  }
} else {
  process.stderr.write("usage: npm run config -- check [file]\n       npm run config -- schema [--write]\n");
  process.exitCode = 2;
}
