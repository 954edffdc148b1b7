import type { OpenWebUIRequest } from "./open-webui-request.ts";
import type { Logger } from "../lib/logger.ts";

/**
 * The Open WebUI releases this project supports: from `oldest` to every patch release of `newest`'s
 * minor line. `.ci/run` runs the real suite on both; what differs between them is handled in
 * version-compat.ts and listed in docs/open-webui-versions.md. Registration refuses a version
 * outside this range; the relay warns at start.
 */
export const supportedOpenWebUI = Object.freeze({ oldest: "0.10.2", newest: "0.12.4" });

/** The range in words, for messages and the README: "0.10.2 to 0.12.x". */
export const supportedRangeText = `${supportedOpenWebUI.oldest} to ${supportedOpenWebUI.newest.replace(/\.\d+$/, ".x")}`;

type Triple = [number, number, number];

/** "0.12.4", "v0.12.4" or "0.12.4-dev" as numbers; null for anything else. */
export function parseVersion(version: string): Triple | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+.][0-9A-Za-z.-]*)?$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether a version Open WebUI reported lies in the supported range, and if not, what to tell the operator. */
export function versionSupport(version: string): { supported: true } | { supported: false; problem: string } {
  const parsed = parseVersion(version);
  if (!parsed)
    return {
      supported: false,
      problem: `Open WebUI reported the version "${version.slice(0, 40)}", which is not a release number`,
    };
  if (compare(parsed, parseVersion(supportedOpenWebUI.oldest)!) < 0)
    return {
      supported: false,
      problem: `Open WebUI ${version} is older than ${supportedOpenWebUI.oldest}, the oldest release this project supports: upgrade Open WebUI`,
    };
  const [major, minor] = parseVersion(supportedOpenWebUI.newest)!;
  if (compare(parsed, [major, minor + 1, 0]) >= 0)
    return {
      supported: false,
      problem: `Open WebUI ${version} is newer than the releases this project is tested with (${supportedRangeText}): use an openwebui-github release that supports it, or an older Open WebUI`,
    };
  return { supported: true };
}

/** GET /api/version (public in every supported release): the version Open WebUI reports. */
export async function readOpenWebUIVersion(request: OpenWebUIRequest, timeoutMs: number): Promise<string> {
  const path = "/api/version";
  const response = await request.ok(await request.send("GET", path, { timeoutMs }), "GET", path);
  const body = (await response.json().catch(() => null)) as { version?: unknown } | null;
  if (typeof body?.version !== "string")
    throw new Error(`Open WebUI answered GET ${path} without a version: is OPENWEBUI_URL the address of Open WebUI?`);
  return body.version;
}

/** Registration's check: the version, or an error saying why this Open WebUI is refused. */
export async function requireSupportedVersion(request: OpenWebUIRequest, timeoutMs: number): Promise<string> {
  const version = await readOpenWebUIVersion(request, timeoutMs);
  const support = versionSupport(version);
  if (!support.supported)
    throw new Error(
      `${support.problem}. openwebui-github supports Open WebUI ${supportedRangeText}; nothing was registered.`,
    );
  return version;
}

/**
 * At the relay's start: logs the Open WebUI version, and warns outside the supported range. The relay
 * starts either way (GitHub's deliveries must still be taken and kept), so nothing here throws.
 */
export async function reportOpenWebUIVersion(read: () => Promise<string>, logger: Logger): Promise<void> {
  let version: string;
  try {
    version = await read();
  } catch (error) {
    logger.warn("could not read Open WebUI's version at start; runs wait and retry until it answers", {
      error: (error as Error).message,
    });
    return;
  }
  const support = versionSupport(version);
  if (support.supported) logger.info("Open WebUI version", { version, supported: supportedRangeText });
  else
    logger.warn(
      `${support.problem}. The relay supports Open WebUI ${supportedRangeText}; it keeps taking deliveries, but runs may fail.`,
      { version },
    );
}
