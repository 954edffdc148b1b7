import type { ServerResponse } from "node:http";

/** Starts a `text/event-stream` answer the way OpenAI and Open WebUI do. */
export function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
}

/** Writes one `data:` event; objects are JSON-encoded, strings (e.g. "[DONE]") go as they are. */
export function writeSseData(res: ServerResponse, data: unknown): void {
  res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

/**
 * Yields the `data` of each server-sent event in a byte stream (a fetch body or
 * an IncomingMessage). Multi-line data is joined with "\n" as the SSE spec says;
 * events without data (comments, keep-alives) are skipped.
 */
export async function* readSseData(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body) {
    buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let boundary = findEventEnd(buffer);
    while (boundary) {
      const data = eventData(buffer.slice(0, boundary.start));
      buffer = buffer.slice(boundary.end);
      if (data !== undefined) yield data;
      boundary = findEventEnd(buffer);
    }
  }
  buffer += decoder.decode();
  const rest = eventData(buffer);
  if (rest !== undefined) yield rest;
}

function findEventEnd(buffer: string): { start: number; end: number } | undefined {
  const match = /\r?\n\r?\n|\r\r/.exec(buffer);
  return match ? { start: match.index, end: match.index + match[0].length } : undefined;
}

function eventData(event: string): string | undefined {
  const lines: string[] = [];
  for (const line of event.split(/\r?\n|\r/)) {
    if (line === "data" || line.startsWith("data:")) lines.push(line.slice(5).replace(/^ /, ""));
  }
  return lines.length > 0 ? lines.join("\n") : undefined;
}
