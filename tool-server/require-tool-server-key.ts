import type { RequestHandler } from "express";
import { requireBearer } from "../lib/require-bearer.ts";

/** The tool server's bearer check, one for every way in (OpenAPI routes and /mcp). */
export function requireToolServerKey(apiKey: string): RequestHandler {
  return requireBearer(
    apiKey,
    "Missing or wrong bearer key. Set the tool server connection's key in Open WebUI to TOOL_SERVER_API_KEY.",
  );
}
