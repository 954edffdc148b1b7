import { createEnvReader, type Env } from "../lib/read-env.ts";

export interface RegisterConfig {
  openWebUIUrl: string;
  apiKey: string;
  toolServerId: string;
  toolServerUrl: string;
  toolServerKey: string;
  group: string | null;
}

/** Variables of `npm run register`; throws a ConfigError naming each bad one. */
export function loadRegisterConfig(env: Env): Readonly<RegisterConfig> {
  const read = createEnvReader(env);
  const config: RegisterConfig = {
    openWebUIUrl: read.url("OPENWEBUI_URL", undefined, "set it to Open WebUI's address, e.g. http://localhost:3000"),
    apiKey: read.requiredString("OPENWEBUI_API_KEY", "use an admin's API key (Settings > Account > API keys)"),
    toolServerId: read.optionalString("OPENWEBUI_TOOL_SERVER_ID", "github"),
    toolServerUrl: read.url("TOOL_SERVER_URL", "http://localhost:8087", "set it to where Open WebUI reaches the tool server, e.g. http://tool-server:8087"),
    toolServerKey: read.requiredString("TOOL_SERVER_API_KEY", "the tool server's bearer key; Open WebUI will send it"),
    group: read.optionalString("OPENWEBUI_TOOL_SERVER_GROUP", "") || null,
  };
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(config.toolServerId)) read.fail(`OPENWEBUI_TOOL_SERVER_ID must be letters, digits, "_", "-" or "." (got "${config.toolServerId}")`);
  read.finish();
  return Object.freeze(config);
}
