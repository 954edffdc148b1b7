import { HttpError } from "../lib/http-error.ts";

/** What Octokit throws for an answer GitHub gave (and, with status 500, for no answer at all). */
export interface RequestErrorLike {
  name: string;
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> };
}

export function isRequestError(error: unknown): error is RequestErrorLike {
  return (
    error instanceof Error && error.name === "HttpError" && typeof (error as { status?: unknown }).status === "number"
  );
}

/**
 * Turns a failed GitHub call into an answer the caller (often a model) can act
 * on. `what` names the object, e.g. "issue octo/app#3".
 */
export function toHttpError(error: unknown, what: string): HttpError {
  if (error instanceof HttpError) return error;
  if (!isRequestError(error)) {
    const reason =
      error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")
        ? "timed out"
        : "could not be reached";
    return new HttpError(502, `GitHub ${reason} while working on ${what}. Try again later.`, { cause: error });
  }
  const githubMessage =
    typeof (error.response?.data as { message?: unknown })?.message === "string"
      ? (error.response?.data as { message: string }).message
      : error.message;
  switch (error.status) {
    case 404:
      return new HttpError(
        404,
        `GitHub says ${what} does not exist (or the token cannot see it). Check the owner, repository and number.`,
        { cause: error },
      );
    case 410:
      return new HttpError(410, `GitHub says ${what} is gone (issues may be disabled on that repository).`, {
        cause: error,
      });
    case 401:
      return new HttpError(
        502,
        `GitHub rejected the tool server's token (401). An administrator must fix GITHUB_TOKEN (or the GitHub App's credentials); retrying will not help.`,
        { cause: error },
      );
    case 403:
    case 429:
      if (/rate limit/i.test(githubMessage) || error.status === 429) {
        return new HttpError(
          429,
          `GitHub's rate limit was reached while working on ${what}. Try again in a few minutes.`,
          { cause: error },
        );
      }
      return new HttpError(
        403,
        `GitHub refused this for ${what}: the token lacks permission (${githubMessage}). An administrator must grant it; retrying will not help.`,
        { cause: error },
      );
    case 422:
      return new HttpError(422, `GitHub rejected the request for ${what} as invalid: ${githubMessage}`, {
        cause: error,
      });
    default:
      return new HttpError(502, `GitHub answered ${error.status} while working on ${what}. Try again later.`, {
        cause: error,
      });
  }
}
