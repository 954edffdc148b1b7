import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The tool server's Prometheus metrics: the model's tool calls as Open WebUI
 * made them (the relay never sees them), and GitHub's rate limit as seen here.
 */
export function createToolServerMetrics(options: { prefix?: string; processMetrics?: boolean } = {}) {
  const prefix = options.prefix ?? "openwebui_github_";
  const registry = new Registry();
  const calls = new Counter({
    name: `${prefix}tool_calls_total`,
    help: "Tool calls by tool and HTTP status answered (200 ok; 400 bad input, 401 wrong key, 403 refused, 404 no such issue, 429/502 GitHub trouble).",
    labelNames: ["tool", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${prefix}tool_call_duration_seconds`,
    help: "Time to answer a tool call, GitHub's part included, by tool.",
    labelNames: ["tool"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const rateLimit = new Gauge({
    name: `${prefix}github_rate_limit_remaining`,
    help: "GitHub's x-ratelimit-remaining on the latest response to this process's GitHub client (one client for the relay and the tool server under npm start), by x-ratelimit-resource.",
    labelNames: ["resource"] as const,
    registers: [registry],
  });
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    toolCall(tool: string, status: number, seconds: number) {
      calls.inc({ tool, status: String(status) });
      duration.observe({ tool }, seconds);
    },
    githubRateLimit(resource: string, remaining: number) {
      rateLimit.set({ resource }, remaining);
    },
  };
}

export type ToolServerMetrics = ReturnType<typeof createToolServerMetrics>;
