import type { MetricRegistry } from "../lib/metric-registry.ts";

/**
 * GitHub's rate limit as this process's GitHub client last saw it, declared
 * alike by the relay and the tool server; returns what records a response's
 * x-ratelimit-remaining.
 */
export function declareRateLimitGauge(metrics: MetricRegistry): (resource: string, remaining: number) => void {
  const gauge = metrics.gauge({
    name: "github_rate_limit_remaining",
    help: "GitHub's x-ratelimit-remaining on the latest response to this process's GitHub client (one client for the relay and the tool server under npm start), by x-ratelimit-resource.",
    labelNames: ["resource"] as const,
  });
  return (resource, remaining) => gauge.set({ resource }, remaining);
}
