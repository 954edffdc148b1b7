// `npm run register [-- --mcp | --auth oauth]`: adds or updates our tool server in Open WebUI's admin settings.
import { loadRegisterConfig } from "../config/load-register-config.ts";
import { openWebUIConnection, openWebUIToolId } from "../open-webui/tool-server-connection.ts";
import { registerOAuthConnection } from "../open-webui/register-oauth-connection.ts";
import { registerToolServer } from "../open-webui/register-tool-server.ts";
import { configOrExit, loadDotEnv } from "./environment.ts";

const args = process.argv.slice(2);
const unknown = args.filter(
  (arg, at) => !["--mcp", "--auth"].includes(arg) && !arg.startsWith("--auth=") && args[at - 1] !== "--auth",
);
if (unknown.length > 0) {
  process.stderr.write(
    `Unknown argument ${unknown.join(" ")}. Usage: npm run register (the OpenAPI connection), npm run register -- --mcp (the MCP connection) or npm run register -- --auth oauth (people sign in with GitHub).\n`,
  );
  process.exit(64);
}
const kind = args.includes("--mcp") ? ("mcp" as const) : ("openapi" as const);

loadDotEnv();
const [config] = configOrExit(() => loadRegisterConfig(process.env, args));
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
            kind,
            ...(accessGrants ? { accessGrants } : {}),
          }),
        });
  const access = config.group
    ? `group ${config.group}`
    : result.action === "created"
      ? "all users"
      : "as set in Open WebUI";
  const relayHint = kind === "mcp" ? " with OPENWEBUI_TOOL_CONNECTION=mcp" : "";
  const tail =
    config.auth === "oauth"
      ? `Open WebUI's OAuth client ${"client" in result && result.client === "kept" ? "kept, so people stay connected" : "registered"}. Each person connects it once (sign in with GitHub) and then acts as themselves; the relay keeps server:${config.toolServerId}.`
      : `Users switch it on per chat; the relay${relayHint} attaches ${openWebUIToolId(id, kind)}.`;
  const what = kind === "mcp" ? "MCP connection" : "Tool server";
  const url = `${config.toolServerUrl}${kind === "mcp" || config.auth === "oauth" ? "/mcp" : ""}`;
  process.stdout.write(
    `${what} "${id}" ${result.action} in Open WebUI ${result.openWebUIVersion} at ${config.openWebUIUrl}: ${url} (${config.auth})${result.tools.length ? ` with tools ${result.tools.join(", ")}` : ""}. Access: ${access}. ${tail}\n`,
  );
} catch (error) {
  process.stderr.write(`Registration failed: ${(error as Error).message}\n`);
  process.exit(1);
}
