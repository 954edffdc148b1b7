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
  toolServerKey: requiredText("TOOL_SERVER_API_KEY", "the tool server's bearer key; Open WebUI will send it"),
  group: optionalText("OPENWEBUI_TOOL_SERVER_GROUP", ""),
  timeoutMs: integer("OPENWEBUI_REQUEST_TIMEOUT_MS", 30_000, { min: 1_000, max: 600_000 }),
};

/** Variables of `npm run register`; throws a ConfigError naming each bad one. */
export function loadRegisterConfig(env: Env): Readonly<RegisterConfig> {
  const { values, problems } = readEnvFields(env, registerFields);
  problems.push(...toolServerIdProblem(values.toolServerId));
  throwProblems(problems);
  return Object.freeze({ ...values, group: values.group || null });
}
