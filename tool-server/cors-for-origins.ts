import cors, { type CorsOptions } from "cors";
import { HttpError } from "../lib/http-error.ts";

// What Open WebUI's browser sends to a user-level tool server: the key, the body, and the
// session and header-template values.
const allowedHeaders = [
  "Authorization",
  "Content-Type",
  "X-Session-Id",
  "X-OpenWebUI-Chat-Id",
  "X-OpenWebUI-User-Name",
];

/**
 * CORS for user-level tool servers in Open WebUI, which the user's browser calls directly.
 * `origins` is TOOL_SERVER_CORS_ORIGINS; "*" allows any.
 */
export function corsForOrigins(origins: readonly string[]) {
  const any = origins.includes("*");
  const options: CorsOptions = {
    origin: any ? "*" : [...origins],
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders,
    maxAge: 600,
  };
  return cors((req, callback) => {
    const origin = req.headers.origin;
    // cors answers every preflight with 204; one from another origin is refused, saying what to change.
    if (req.method === "OPTIONS" && !(origin && (any || origins.includes(origin)))) {
      callback(
        new HttpError(
          403,
          `Origin ${origin ?? "(none)"} may not call this tool server from a browser. An administrator can add it to TOOL_SERVER_CORS_ORIGINS.`,
        ),
      );
      return;
    }
    callback(null, options);
  });
}
