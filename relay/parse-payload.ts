import { HttpError } from "../lib/http-error.ts";

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Refuses a Content-Type the relay will not parse, before the body is read. The header is not
 * signed: if it chose the parser, a JSON body carrying `&payload=...` in an issue's text could be
 * resent as a form and parsed into a payload its author wrote (issue 16).
 */
export function checkContentType(contentType: string | undefined, formEncoded: boolean): void {
  const type = mediaType(contentType);
  if (type === "application/json") return;
  if (formEncoded && type === "application/x-www-form-urlencoded") return;
  throw new HttpError(
    415,
    formEncoded
      ? "Content-Type must be application/json or application/x-www-form-urlencoded."
      : "Content-Type must be application/json: set the webhook's content type to application/json " +
          "(or set GITHUB_WEBHOOK_FORM_ENCODED=true to accept form-encoded deliveries).",
  );
}

/** The JSON text of a signed body: the body itself, or a form's one `payload` field. */
function jsonText(body: string, contentType: string | undefined): string {
  if (mediaType(contentType) !== "application/x-www-form-urlencoded") return body;
  // GitHub sends exactly one field; any other `&` would be a second field someone else wrote.
  if (!body.startsWith("payload=") || body.includes("&"))
    throw new HttpError(400, "A form-encoded delivery must be one payload=<JSON> field and nothing else.");
  try {
    return decodeURIComponent(body.slice("payload=".length).replaceAll("+", " "));
  } catch {
    throw new HttpError(400, "The payload field is not valid URL encoding.");
  }
}

/** The payload and its JSON text (what the worker will read back). */
export function parsePayload(body: string, contentType: string | undefined): { payload: unknown; json: string } {
  const json = jsonText(body, contentType);
  try {
    return { payload: JSON.parse(json), json };
  } catch {
    throw new HttpError(400, "The body is not valid JSON.");
  }
}
