import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { openWebUIToolId } from "../open-webui/tool-server-connection.ts";
import { fullEnv, problemsOf } from "./support/config-problems.ts";

const root = resolve(import.meta.dirname, "..");

describe("choosing the connection kind (OpenAPI or MCP)", () => {
  it("has relay runs attach the MCP connection's tool id with OPENWEBUI_TOOL_CONNECTION=mcp, OpenAPI's otherwise", () => {
    const mcp = loadRelayConfig({ ...fullEnv, OPENWEBUI_TOOL_CONNECTION: "mcp" }).openWebUI;
    expect(openWebUIToolId(mcp.toolServerId, mcp.toolConnection)).toBe("server:mcp:github");
    const plain = loadRelayConfig(fullEnv).openWebUI;
    expect(openWebUIToolId(plain.toolServerId, plain.toolConnection)).toBe("server:github");
  });

  it("names the variable and its values when OPENWEBUI_TOOL_CONNECTION is neither", () => {
    expect(problemsOf(() => loadRelayConfig({ ...fullEnv, OPENWEBUI_TOOL_CONNECTION: "sse" }))).toEqual([
      expect.stringMatching(/^OPENWEBUI_TOOL_CONNECTION must be "openapi" or "mcp"/),
    ]);
  });

  it("npm run register refuses an argument it does not know, saying how to ask for MCP", () => {
    const run = spawnSync(join(root, "node_modules", ".bin", "tsx"), ["bin/register.ts", "--mpc"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "" },
      encoding: "utf8",
    });
    expect(run.status).toBe(64);
    expect(run.stderr).toMatch(/Unknown argument --mpc\. .*npm run register -- --mcp/);
  });
});
