import { Octokit } from "@octokit/rest";
import { assertGitHubShape } from "./github-openapi.ts";

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * An Octokit whose every answer, success or error, is checked against GitHub's OpenAPI description;
 * `checked` collects "METHOD route status" for each answer checked.
 */
export function checkedOctokit(baseUrl: string, auth: string, checked: string[] = []): Octokit {
  const octokit = new Octokit({ baseUrl, auth, log: quiet, request: { retries: 0 } });
  octokit.hook.after("request", (response, options) => {
    const route = assertGitHubShape(options.method, options.url, response.status, response.data);
    checked.push(`${options.method} ${route} ${response.status}`);
  });
  octokit.hook.error("request", (error, options) => {
    const failed = error as { status?: number; response?: { data?: unknown } };
    if (typeof failed.status === "number") {
      const route = assertGitHubShape(options.method, options.url, failed.status, failed.response?.data);
      checked.push(`${options.method} ${route} ${failed.status}`);
    }
    throw error;
  });
  return octokit;
}

/** The status and message a failed request answered with. */
export async function failureOf(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const failed = error as { status: number; response?: { data?: { message?: string } } };
    if (typeof failed.status !== "number") throw error;
    return { status: failed.status, message: failed.response?.data?.message ?? "" };
  }
  throw new Error("expected the request to fail");
}
