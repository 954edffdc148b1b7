import type { Env } from "./config-error.ts";
import { httpUrl, integer, optionalText, readEnvFields, requiredText, throwProblems } from "./env-fields.ts";
import { toolServerIdProblem } from "./relay-checks.ts";

export interface RegisterConfig {
  openWebUIUrl: string;
  apiKey: string;
  toolServerId: string;
  toolServerUrl: string;
  toolServerKey: string;
  group: string | null;
  /** `--auth bearer` (the tool key; relay runs need it) or `--auth oauth` (people sign in with GitHub). */
  auth: "bearer" | "oauth";
  /** For each call to Open WebUI's admin settings (it fetches our spec while verifying). */
  timeoutMs: number;
}

const registerFields = {
  openWebUIUrl: httpUrl("OPENWEBUI_URL", undefined, "set it to Open WebUI's address, e.g. http://localhost:3000"),
  apiKey: requiredText("OPENWEBUI_API_KEY", "use an admin's API key (Settings > Account > API keys)"),
  toolServerId: optionalText("OPENWEBUI_TOOL_SERVER_ID", "github"),
  toolServerUrl: httpUrl(
    "TOOL_SERVER_URL",
    "http://localhost:8087",
    "set it to where Open WebUI reaches the tool server, e.g. http://tool-server:8087",
  ),
  toolServerKey: optionalText("TOOL_SERVER_API_KEY", ""),
  group: optionalText("OPENWEBUI_TOOL_SERVER_GROUP", ""),
  timeoutMs: integer("OPENWEBUI_REQUEST_TIMEOUT_MS", 30_000, { min: 1_000, max: 600_000 }),
};

function authMode(args: readonly string[], problems: string[]): RegisterConfig["auth"] {
  const at = args.findIndex((arg) => arg === "--auth" || arg.startsWith("--auth="));
  if (at < 0) return "bearer";
  const value = args[at]!.includes("=") ? args[at]!.slice("--auth=".length) : args[at + 1];
  if (value === "bearer" || value === "oauth") return value;
  problems.push(`--auth must be bearer or oauth, got "${value ?? ""}": npm run register -- --auth oauth`);
  return "bearer";
}

/** Variables (and arguments) of `npm run register`; throws a ConfigError naming each bad one. */
export function loadRegisterConfig(env: Env, args: readonly string[] = []): Readonly<RegisterConfig> {
  const { values, problems } = readEnvFields(env, registerFields);
  const auth = authMode(args, problems);
  problems.push(...toolServerIdProblem(values.toolServerId));
  // The OAuth connection sends each person's token instead of the key.
  if (auth === "bearer" && !values.toolServerKey)
    problems.push("TOOL_SERVER_API_KEY is missing: the tool server's bearer key; Open WebUI will send it");
  throwProblems(problems);
  return Object.freeze({ ...values, group: values.group || null, auth });
}
