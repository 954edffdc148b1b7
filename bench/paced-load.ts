// Load at a fixed rate, for latency: requests leave on a schedule (one every 1/rate s), whatever
// the answers do, and each one's latency counts from when it was due to leave. autocannon's rate
// option sends each second's quota back to back at the start of the second on every connection,
// so its "1,000/s" is a saturation burst for part of each second, and it fills in the tail with
// coordinated-omission samples at a 1 ms interval; it stays the tool for saturation and bursts.
import { Agent, request } from "node:http";

export interface PacedResult {
  sent: number;
  ok: number;
  other: number;
  /** From when each request was due to its whole answer, in ms. */
  p50: number;
  p99: number;
  max: number;
  /** How late the sender itself was against its schedule, p99 in ms: load-generator noise. */
  senderLateP99: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0;
const round = (ms: number) => Math.round(ms * 10) / 10;

export async function pacedLoad(
  url: string,
  options: {
    rate: number;
    seconds: number;
    /** Each request's body and headers (a delivery of its own, signed). */
    delivery: (index: number) => { body: string; headers: Record<string, string> };
    timeoutMs?: number;
  },
): Promise<PacedResult> {
  const target = new URL(url);
  // Enough sockets that a slow answer never holds back the schedule; kept alive like GitHub's.
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const late: number[] = [];
  let ok = 0;
  let other = 0;
  let sent = 0;
  let settled = 0;
  const start = performance.now() + 20;

  await new Promise<void>((done) => {
    const finish = () => {
      settled++;
      if (settled === total) done();
    };
    const send = (index: number, due: number) => {
      late.push(performance.now() - due);
      const delivery = options.delivery(index);
      const body = Buffer.from(delivery.body);
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          agent,
          timeout: options.timeoutMs ?? 10_000,
          headers: { ...delivery.headers, "content-length": body.length },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            latencies.push(performance.now() - due);
            if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) ok++;
            else other++;
            finish();
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", () => {
        other++;
        finish();
      });
      req.end(body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / options.rate <= now) {
        send(sent, start + (sent * 1000) / options.rate);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + (sent * 1000) / options.rate - performance.now()));
    };
    setTimeout(tick, 20);
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  late.sort((a, b) => a - b);
  return {
    sent,
    ok,
    other,
    p50: round(percentile(latencies, 0.5)),
    p99: round(percentile(latencies, 0.99)),
    max: round(latencies.at(-1) ?? 0),
    senderLateP99: round(percentile(late, 0.99)),
  };
}
