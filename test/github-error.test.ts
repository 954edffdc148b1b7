import { describe, expect, it } from "vitest";
import { toHttpError } from "../github/github-error.ts";

describe("GitHub errors as answers for the model", () => {
  const requestError = (status: number, message = "x") =>
    Object.assign(new Error(message), { name: "HttpError", status, response: { data: { message } } });

  it.each([
    [404, "Not Found", 404, /does not exist/],
    [401, "Bad credentials", 502, /GITHUB_TOKEN \(or the GitHub App.s credentials\); retrying will not help/],
    [403, "Resource not accessible by personal access token", 403, /token lacks permission \(Resource not accessible/],
    [403, "You have exceeded a secondary rate limit", 429, /rate limit/],
    [422, "Validation Failed", 422, /rejected the request .* as invalid: Validation Failed/],
    [500, "Server Error", 502, /GitHub answered 500/],
  ])("maps GitHub %i (%s) to %i with a message saying what to do", (status, message, expected, detail) => {
    const error = toHttpError(requestError(status, message), "issue o/r#1");
    expect(error.status).toBe(expected);
    expect(error.detail).toMatch(detail);
  });

  it("says GitHub could not be reached, or timed out, for network failures", () => {
    expect(toHttpError(new TypeError("fetch failed"), "issue o/r#1").detail).toMatch(/could not be reached/);
    expect(toHttpError(Object.assign(new Error("t"), { name: "TimeoutError" }), "issue o/r#1").detail).toMatch(
      /timed out/,
    );
  });
});
