// `npm run register [-- --mcp]`: adds or updates our tool server in Open WebUI's admin settings.
import { loadRegisterConfig } from "../config/load-register-config.ts";
import { openWebUIConnection, openWebUIToolId } from "../open-webui/tool-server-connection.ts";
import { registerToolServer } from "../open-webui/register-tool-server.ts";
import { configOrExit, loadDotEnv } from "./environment.ts";

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== "--mcp");
if (unknown.length > 0) {
  process.stderr.write(
    `Unknown argument ${unknown.join(" ")}. Usage: npm run register (the OpenAPI connection) or npm run register -- --mcp (the MCP connection).\n`,
  );
  process.exit(64);
}
const kind = args.includes("--mcp") ? ("mcp" as const) : ("openapi" as const);

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
      kind,
      ...(config.group
        ? {
            accessGrants: [
              { principal_type: "group" as const, principal_id: config.group, permission: "read" as const },
            ],
          }
        : {}),
    }),
  });
  const toolId = openWebUIToolId(config.toolServerId, kind);
  const relayHint = kind === "mcp" ? " with OPENWEBUI_TOOL_CONNECTION=mcp" : "";
  process.stdout.write(
    `${kind === "mcp" ? "MCP connection" : "Tool server"} "${config.toolServerId}" ${result.action} in Open WebUI at ${config.openWebUIUrl}: ${config.toolServerUrl}${kind === "mcp" ? "/mcp" : ""} with tools ${result.tools.join(", ")}. ` +
      `Access: ${config.group ? `group ${config.group}` : result.action === "created" ? "all users" : "as set in Open WebUI"}. Users switch it on per chat; the relay${relayHint} attaches ${toolId}.\n`,
  );
} catch (error) {
  process.stderr.write(`Registration failed: ${(error as Error).message}\n`);
  process.exit(1);
}
