import { declareRateLimitGauge } from "../github/rate-limit-gauge.ts";
import { createMetricRegistry } from "../lib/metric-registry.ts";

/**
 * The tool server's Prometheus metrics: the model's tool calls as Open WebUI
 * made them (the relay never sees them), and GitHub's rate limit as seen here.
 */
export function createToolServerMetrics(options: { prefix?: string; processMetrics?: boolean } = {}) {
  const metrics = createMetricRegistry(options.prefix);
  const calls = metrics.counter({
    name: "tool_calls_total",
    help: "Tool calls by tool and HTTP status answered (200 ok; 400 bad input, 401 wrong key, 403 refused, 404 no such issue, 429/502 GitHub trouble).",
    labelNames: ["tool", "status"] as const,
  });
  const duration = metrics.histogram({
    name: "tool_call_duration_seconds",
    help: "Time to answer a tool call, GitHub's part included, by tool.",
    labelNames: ["tool"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  const githubRateLimit = declareRateLimitGauge(metrics);
  if (options.processMetrics) metrics.addProcessMetrics();
  return {
    registry: metrics.registry,
    toolCall(tool: string, status: number, seconds: number) {
      calls.inc({ tool, status: String(status) });
      duration.observe({ tool }, seconds);
    },
    githubRateLimit,
  };
}

export type ToolServerMetrics = ReturnType<typeof createToolServerMetrics>;
