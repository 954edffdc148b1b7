// `npm run register`: adds or updates our tool server in Open WebUI's admin settings.
import { loadRegisterConfig } from "../config/load-register-config.ts";
import { openWebUIConnection } from "../open-webui/tool-server-connection.ts";
import { registerToolServer } from "../open-webui/register-tool-server.ts";
import { configOrExit, loadDotEnv } from "./environment.ts";

loadDotEnv();
const [config] = configOrExit(() => loadRegisterConfig(process.env));
if (!config) process.exit(78);

try {
  const result = await registerToolServer({
    openWebUIUrl: config.openWebUIUrl,
    apiKey: config.apiKey,
    timeoutMs: config.timeoutMs,
    keepAccess: !config.group,
    connection: openWebUIConnection({
      url: config.toolServerUrl,
      key: config.toolServerKey,
      id: config.toolServerId,
      ...(config.group
        ? {
            accessGrants: [
              { principal_type: "group" as const, principal_id: config.group, permission: "read" as const },
            ],
          }
        : {}),
    }),
  });
  process.stdout.write(
    `Tool server "${config.toolServerId}" ${result.action} in Open WebUI ${result.openWebUIVersion} at ${config.openWebUIUrl}: ${config.toolServerUrl} with tools ${result.tools.join(", ")}. ` +
      `Access: ${config.group ? `group ${config.group}` : result.action === "created" ? "all users" : "as set in Open WebUI"}. Users switch it on per chat; the relay attaches server:${config.toolServerId}.\n`,
  );
} catch (error) {
  process.stderr.write(`Registration failed: ${(error as Error).message}\n`);
  process.exit(1);
}
