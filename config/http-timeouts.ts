import { integer } from "./env-fields.ts";

/** How long a service's HTTP server waits for a client: its headers, then the whole request. */
export interface HttpTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

// A slow or stalled client is cut off: headers within 10 s, the whole request (up to 25 MB) within 30 s.
export const httpTimeoutFields = {
  headersTimeoutMs: integer("HTTP_HEADERS_TIMEOUT_MS", 10_000, { min: 100, max: 600_000 }),
  requestTimeoutMs: integer("HTTP_REQUEST_TIMEOUT_MS", 30_000, { min: 100, max: 3_600_000 }),
};
