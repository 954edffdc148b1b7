import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a platform stand-in received, whatever it answered. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
  status: number;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The handler decides like the real service; `problems` notes what the real one would take badly. */
export type Handle = (request: { path: string; headers: IncomingHttpHeaders; body: unknown }) => Answer;

export interface PlatformStandIn {
  url: string;
  received: ReceivedRequest[];
  /** What a careful client must not do, even when the real service lets it pass. */
  problems: string[];
  /** The next `count` requests get `answer` instead (an outage, a rate limit), then normal service resumes. */
  failNext(count: number, answer: Answer): void;
  /** Holds the next request's answer for `ms`, for timeouts. */
  delayNext(ms: number): void;
  close(): Promise<void>;
}

/** A loopback server on port 0 that reads JSON POSTs, records them and answers through `handle`. */
export async function startPlatformStandIn(name: string, handle: Handle, problems: string[]): Promise<PlatformStandIn> {
  const received: ReceivedRequest[] = [];
  const scripted: Answer[] = [];
  const delays: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: the handler refuses it as the real service would.
      }
      const path = req.url ?? "/";
      const answer: Answer =
        req.method !== "POST"
          ? { status: 405, body: `${name} stand-in: only POST` }
          : (scripted.shift() ?? handle({ path, headers: req.headers, body }));
      received.push({ path, headers: req.headers, body, status: answer.status });
      const send = () => {
        const payload = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? "");
        const type = typeof answer.body === "string" ? "text/plain" : "application/json";
        res.writeHead(answer.status, { "content-type": type, ...answer.headers });
        res.end(answer.status === 204 ? undefined : payload);
      };
      const delay = delays.shift();
      if (delay) setTimeout(send, delay);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    problems,
    failNext: (count, answer) => scripted.push(...Array.from({ length: count }, () => answer)),
    delayNext: (ms) => delays.push(ms),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Whether a request said it sends JSON, as every platform's API asks. */
export function sentJson(headers: IncomingHttpHeaders): boolean {
  return /^application\/json\b/i.test(headers["content-type"] ?? "");
}
