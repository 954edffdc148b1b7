import { isIP } from "node:net";
import { z } from "zod";
import type { EnvField } from "./env-fields.ts";

/**
 * The address both services listen on. Loopback unless told otherwise: `npm start` on a laptop or a
 * server is then not reachable from the network by accident; the image sets HOST=0.0.0.0.
 */
export const hostField: EnvField<string> = {
  name: "HOST",
  schema: z
    .string()
    .optional()
    .transform((value) => value ?? "127.0.0.1")
    .refine((value) => isIP(value) !== 0 || value === "localhost", {
      error: (issue) =>
        `HOST must be an IP address to listen on (127.0.0.1 for this machine only, 0.0.0.0 for every interface), got "${String(issue.input)}"`,
    }),
  fallback: "127.0.0.1",
};

const proxyNames = ["loopback", "linklocal", "uniquelocal"];

function trustedEntry(entry: string): boolean {
  if (proxyNames.includes(entry)) return true;
  const [address, bits, extra] = entry.split("/");
  const version = isIP(address ?? "");
  if (version === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

/**
 * Which peers are proxies whose X-Forwarded-For names the client (express's `trust proxy`), so logs
 * and the sign-in limit see the client's address, not Caddy's. Off by default: a relay reached
 * directly would otherwise let any client pick the address it is known by.
 */
export const trustProxyField: EnvField<string[]> = {
  name: "TRUST_PROXY",
  schema: z
    .string()
    .optional()
    .transform((value) =>
      ["", "off", "false", "no", "0"].includes((value ?? "").toLowerCase())
        ? []
        : (value ?? "")
            .split(",")
            .map((item) => item.trim())
            .filter(Boolean),
    )
    .refine((entries) => entries.every(trustedEntry), {
      error: (issue) =>
        `TRUST_PROXY must be off, or the proxies in front as loopback, uniquelocal, linklocal or IP addresses and CIDR ranges, comma-separated (e.g. loopback when Caddy runs on this machine), got "${String(issue.input)}"`,
    }),
  fallback: [],
};
