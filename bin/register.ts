// `npm run register [-- --auth oauth]`: adds or updates our tool server in Open WebUI's admin settings.
import { loadRegisterConfig } from "../config/load-register-config.ts";
import { openWebUIConnection } from "../open-webui/tool-server-connection.ts";
import { registerOAuthConnection } from "../open-webui/register-oauth-connection.ts";
import { registerToolServer } from "../open-webui/register-tool-server.ts";
import { configOrExit, loadDotEnv } from "./environment.ts";

loadDotEnv();
const [config] = configOrExit(() => loadRegisterConfig(process.env, process.argv.slice(2)));
if (!config) process.exit(78);

const accessGrants = config.group
  ? [{ principal_type: "group" as const, principal_id: config.group, permission: "read" as const }]
  : undefined;
const common = {
  openWebUIUrl: config.openWebUIUrl,
  apiKey: config.apiKey,
  timeoutMs: config.timeoutMs,
  keepAccess: !config.group,
};
// The OAuth connection sits beside the bearer one (the relay's runs keep that), under its own id.
const id = config.auth === "oauth" ? `${config.toolServerId}-oauth` : config.toolServerId;

try {
  const result =
    config.auth === "oauth"
      ? await registerOAuthConnection({
          ...common,
          connection: { url: config.toolServerUrl, id, ...(accessGrants ? { accessGrants } : {}) },
        })
      : await registerToolServer({
          ...common,
          connection: openWebUIConnection({
            url: config.toolServerUrl,
            key: config.toolServerKey,
            id,
            ...(accessGrants ? { accessGrants } : {}),
          }),
        });
  const access = config.group
    ? `group ${config.group}`
    : result.action === "created"
      ? "all users"
      : "as set in Open WebUI";
  const tail =
    config.auth === "oauth"
      ? `Open WebUI's OAuth client ${"client" in result && result.client === "kept" ? "kept, so people stay connected" : "registered"}. Each person connects it once (sign in with GitHub) and then acts as themselves; the relay keeps server:${config.toolServerId}.`
      : `Users switch it on per chat; the relay attaches server:${id}.`;
  process.stdout.write(
    `Tool server "${id}" ${result.action} in Open WebUI at ${config.openWebUIUrl}: ${config.toolServerUrl} (${config.auth})${result.tools.length ? ` with tools ${result.tools.join(", ")}` : ""}. Access: ${access}. ${tail}\n`,
  );
} catch (error) {
  process.stderr.write(`Registration failed: ${(error as Error).message}\n`);
  process.exit(1);
}
