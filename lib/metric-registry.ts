import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from "prom-client";

type Declaration<C> = Omit<C, "registers">;

/**
 * A Prometheus registry of a service's own (tests run several services in one
 * process, and the global registry would mix them), and the metrics declared
 * in it, each name under the service's prefix.
 */
export function createMetricRegistry(prefix = "openwebui_github_") {
  const registry = new Registry();
  const into = <C extends { name: string }>(declaration: C) => ({
    ...declaration,
    name: `${prefix}${declaration.name}`,
    registers: [registry],
  });
  return {
    registry,
    counter: <T extends string>(declaration: Declaration<CounterConfiguration<T>>) => new Counter<T>(into(declaration)),
    gauge: <T extends string>(declaration: Declaration<GaugeConfiguration<T>>) => new Gauge<T>(into(declaration)),
    histogram: <T extends string>(declaration: Declaration<HistogramConfiguration<T>>) =>
      new Histogram<T>(into(declaration)),
    /** Node's own metrics, unprefixed (process_cpu_seconds_total, nodejs_heap_size_used_bytes, ...): dashboards expect those names. */
    addProcessMetrics: () => collectDefaultMetrics({ register: registry }),
  };
}

export type MetricRegistry = ReturnType<typeof createMetricRegistry>;
