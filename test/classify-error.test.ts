import { describe, expect, it } from "vitest";
import { backoffMs, classifyError } from "../relay/classify-error.ts";

describe("which failures are worth another attempt", () => {
  const octokitError = (status: number, message: string, headers: Record<string, string> = {}) =>
    Object.assign(new Error(message), { name: "HttpError", status, response: { headers } });

  it("retries GitHub outages and rate limits, honouring retry-after, else the reset time, else a minute", () => {
    expect(classifyError(octokitError(502, "Bad Gateway"))).toMatchObject({ transient: true });
    expect(classifyError(octokitError(429, "Too many", { "retry-after": "7" }))).toMatchObject({
      transient: true,
      retryAfterMs: 7000,
    });
    expect(
      classifyError(octokitError(403, "You have exceeded a secondary rate limit", { "retry-after": "3" })),
    ).toMatchObject({ transient: true, retryAfterMs: 3000 });
    const now = 1_000_000;
    expect(
      classifyError(
        octokitError(403, "API rate limit exceeded", {
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(now / 1000 + 30),
        }),
        () => now,
      ),
    ).toMatchObject({ transient: true, retryAfterMs: 31_000 });
    expect(classifyError(octokitError(403, "secondary rate limit"))).toMatchObject({
      transient: true,
      retryAfterMs: 60_000,
    });
  });

  it("does not retry a missing issue, a bad token or a refused permission", () => {
    for (const [status, message] of [
      [404, "Not Found"],
      [401, "Bad credentials"],
      [403, "Resource not accessible by personal access token"],
      [422, "Validation Failed"],
    ] as const) {
      expect(classifyError(octokitError(status, message)).transient).toBe(false);
    }
  });

  it("backs off exponentially with jitter, within the cap", () => {
    const options = { baseMs: 1000, maxMs: 10_000 };
    expect(backoffMs(1, { ...options, random: () => 0 })).toBe(500);
    expect(backoffMs(1, { ...options, random: () => 1 })).toBe(1000);
    expect(backoffMs(3, { ...options, random: () => 1 })).toBe(4000);
    expect(backoffMs(10, { ...options, random: () => 1 })).toBe(10_000);
    expect(backoffMs(10, { ...options, random: () => 0 })).toBe(5000);
  });
});
