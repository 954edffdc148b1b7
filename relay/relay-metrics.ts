import type { ModelErrorKind } from "../open-webui/open-webui-request.ts";
import { declareRateLimitGauge } from "../github/rate-limit-gauge.ts";
import { createMetricRegistry } from "../lib/metric-registry.ts";
import type { DeliveryLog, DeliveryStatus } from "../store/delivery-log.ts";

/** What happened to a delivery: at the webhook (received, queued, duplicate, ignored) or in the worker. */
export type DeliveryOutcomeLabel =
  "received" | "queued" | "duplicate" | "ignored" | "done" | "failed" | "dead" | "retried";

export type { ModelErrorKind } from "../open-webui/open-webui-request.ts";

/** What the webhook handler, the worker and the clients report; no-ops where no registry is wired. */
export interface RelayObserver {
  delivery(event: string, outcome: DeliveryOutcomeLabel): void;
  run(outcome: "done" | "failed" | "dead" | "retried" | "ignored", seconds: number): void;
  modelError(kind: ModelErrorKind): void;
  toolError(tool: string): void;
  githubRateLimit(resource: string, remaining: number): void;
  /** How long GitHub waited for the answer to a webhook, by its status code. */
  webhookAnswered(code: number, seconds: number): void;
}

export const noObserver: RelayObserver = {
  delivery() {},
  run() {},
  modelError() {},
  toolError() {},
  githubRateLimit() {},
  webhookAnswered() {},
};

/** The status codes the webhook answers with; anything else would be one series. */
const webhookCodes = new Set([200, 202, 400, 401, 413, 500]);

const statuses: DeliveryStatus[] = ["pending", "running", "done", "failed", "ignored", "dead"];

/**
 * GitHub names events in lower case with underscores. The event header is not
 * covered by the signature, so anything else is one label value, not a new series.
 */
export function eventLabel(event: string): string {
  return /^[a-z_]{1,50}$/.test(event) ? event : "other";
}

/** The relay's Prometheus metrics, in a registry of its own. */
export function createRelayMetrics(options: {
  deliveries: Pick<DeliveryLog, "counts">;
  prefix?: string;
  processMetrics?: boolean;
}) {
  const metrics = createMetricRegistry(options.prefix);
  const deliveries = metrics.counter({
    name: "deliveries_total",
    help: "Webhook deliveries by event and outcome: received (signed and well-formed), queued, duplicate, ignored at the webhook; done, failed, dead, retried, ignored in the worker.",
    labelNames: ["event", "outcome"] as const,
  });
  metrics.gauge({
    name: "queue_deliveries",
    help: "Stored deliveries by status, read from the store at scrape time.",
    labelNames: ["status"] as const,
    async collect() {
      const counts = await options.deliveries.counts();
      for (const status of statuses) this.set({ status }, counts[status] ?? 0);
    },
  });
  const runDuration = metrics.histogram({
    name: "run_duration_seconds",
    help: "Time from claiming a delivery to its outcome (chat, model, tool calls, comment), by outcome.",
    labelNames: ["outcome"] as const,
    // Models answer in seconds to minutes; OPENWEBUI_TIMEOUT_MS defaults to 10 minutes.
    buckets: [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600],
  });
  const webhookAnswer = metrics.histogram({
    name: "webhook_answer_seconds",
    help: "Time from a webhook request's headers to the end of the relay's answer, by status code (a 202 goes out once the delivery is stored durably). GitHub gives up after 10 s.",
    labelNames: ["code"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 10],
  });
  const modelErrors = metrics.counter({
    name: "model_errors_total",
    help: "Failed calls to Open WebUI and runs without a result, by kind.",
    labelNames: ["kind"] as const,
  });
  const toolErrors = metrics.counter({
    name: "tool_errors_total",
    help: "Tool calls of the relay's runs that Open WebUI recorded as failed (read back from the run's chat), by tool.",
    labelNames: ["tool"] as const,
  });
  const githubRateLimit = declareRateLimitGauge(metrics);
  if (options.processMetrics) metrics.addProcessMetrics();

  const observer: RelayObserver = {
    delivery: (event, outcome) => deliveries.inc({ event: eventLabel(event), outcome }),
    run: (outcome, seconds) => runDuration.observe({ outcome }, seconds),
    modelError: (kind) => modelErrors.inc({ kind }),
    // Our own tools by name; anything else Open WebUI reports is one series.
    toolError: (tool) => toolErrors.inc({ tool: /^(get_issue|post_issue_comment)$/.test(tool) ? tool : "other" }),
    githubRateLimit,
    webhookAnswered: (code, seconds) =>
      webhookAnswer.observe({ code: webhookCodes.has(code) ? String(code) : "other" }, seconds),
  };
  return { registry: metrics.registry, observer };
}
