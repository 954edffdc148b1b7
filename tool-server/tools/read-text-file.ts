import { HttpError } from "../../lib/http-error.ts";

/**
 * A file from GitHub's contents API as text. GitHub leaves the content out past 1 MB (encoding
 * "none"); bytes that are not UTF-8, or hold a NUL, are a binary file the model cannot use.
 */
export function readTextFile(file: { content: string; encoding: string; size: number }, where: string): string {
  if (file.encoding === "none" || (file.content === "" && file.size > 0)) {
    throw new HttpError(
      422,
      `${where} is too large to read through GitHub's API (${file.size} bytes). Read a smaller file, or ask the user for the part that matters.`,
    );
  }
  const bytes = Buffer.from(file.content, file.encoding === "base64" ? "base64" : "utf8");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = "\0";
  }
  if (text.includes("\0"))
    throw new HttpError(422, `${where} is a binary file (${file.size} bytes); this tool reads text files only.`);
  return text;
}
