import type { Env } from "./config-error.ts";
import { flag, httpUrl, integer, optionalText, readEnvFields } from "./env-fields.ts";
import { secretStrengthProblem } from "./secret-strength.ts";

/** How the tool server knows who is calling, and where it asks for their groups. */
export interface IdentityConfig {
  /** OPENWEBUI_USER_JWT_SECRET: Open WebUI's FORWARD_USER_INFO_HEADER_JWT_SECRET; null: no signed identity. */
  userJwtSecret: string | null;
  /** TRUST_OPENWEBUI_USER_HEADERS: without a JWT secret, plain user headers count (trusts the tool key's holders). */
  trustUserHeaders: boolean;
  /** Open WebUI's admin API, for a person's groups; null when OPENWEBUI_GROUPS_API_KEY is unset. */
  groups: { baseUrl: string; apiKey: string; timeoutMs: number } | null;
}

const fields = {
  userJwtSecret: optionalText("OPENWEBUI_USER_JWT_SECRET", ""),
  trustUserHeaders: flag("TRUST_OPENWEBUI_USER_HEADERS", false),
  groupsApiKey: optionalText("OPENWEBUI_GROUPS_API_KEY", ""),
  groupsTimeoutMs: integer("OPENWEBUI_GROUPS_TIMEOUT_MS", 5_000, { min: 100, max: 60_000 }),
  // Read always (compose gives it), checked only when the groups lookup needs it.
  openWebUIUrl: optionalText("OPENWEBUI_URL", ""),
};
const groupsUrl = { baseUrl: httpUrl("OPENWEBUI_URL", undefined, "set it to Open WebUI's address") };

export function readIdentityConfig(env: Env): { identity: IdentityConfig; problems: string[] } {
  const { values: v, problems } = readEnvFields(env, fields);
  problems.push(
    ...secretStrengthProblem("OPENWEBUI_USER_JWT_SECRET", v.userJwtSecret, "and give Open WebUI the same value"),
  );
  if (v.userJwtSecret && v.trustUserHeaders)
    problems.push(
      "TRUST_OPENWEBUI_USER_HEADERS=true means nothing with OPENWEBUI_USER_JWT_SECRET set (only the signed token counts): unset one",
    );
  let groups: IdentityConfig["groups"] = null;
  if (v.groupsApiKey) {
    const { values: url, problems: urlProblems } = readEnvFields(env, groupsUrl);
    problems.push(...urlProblems.map((p) => `${p} (needed with OPENWEBUI_GROUPS_API_KEY)`));
    groups = { baseUrl: url.baseUrl, apiKey: v.groupsApiKey, timeoutMs: v.groupsTimeoutMs };
  }
  return {
    identity: { userJwtSecret: v.userJwtSecret || null, trustUserHeaders: v.trustUserHeaders, groups },
    problems,
  };
}
