import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReadinessCheck } from '../ops/readiness';
import { rootDecisionCounts, type RootDecision } from '../tracing/sampling-counts';

export interface MetricsConfig {
  /** false: every series gets tenant="all", for installations with very many tenants. */
  tenantLabel: boolean;
}

export interface AppMetrics {
  registry: Registry;
  /** The value for a `tenant` label under the configured cardinality policy. */
  tenant(tenantId: string | null | undefined): string;
  /** Records each dependency probe's result in attribution_dependency_up. */
  watchDependencies(checks: Record<string, ReadinessCheck>, intervalMs?: number): { stop(): void };
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * One registry per process (the standalone runner shares it between its three apps), with the
 * process metrics and the metrics every app has: build info and dependency reachability.
 * Metric names and labels are the contract in docs/metrics.md.
 */
export function createAppMetrics(service: string, version: string, config: MetricsConfig): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'attribution_' });
  new Gauge({ name: 'attribution_build_info', help: 'Always 1; labels say what runs', labelNames: ['service', 'version'], registers: [registry] })
    .labels(service, version)
    .set(1);
  const dependencyUp = new Gauge({
    name: 'attribution_dependency_up',
    help: '1 when the last readiness probe reached the dependency',
    labelNames: ['dependency'],
    registers: [registry],
  });
  traceRoots(registry);
  return {
    registry,
    tenant: (tenantId) => (config.tenantLabel ? (tenantId ?? 'unknown') : 'all'),
    watchDependencies(checks, intervalMs = 10_000) {
      const probe = () =>
        Object.entries(checks).forEach(([name, check]) => {
          check().then(
            () => dependencyUp.labels(name).set(1),
            () => dependencyUp.labels(name).set(0),
          );
        });
      probe();
      const timer = setInterval(probe, intervalMs);
      timer.unref();
      return { stop: () => clearInterval(timer) };
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

/** The sampler's decisions on new traces, read from its counters at each scrape. */
function traceRoots(registry: Registry): void {
  const reported: Record<RootDecision, number> = { sampled: 0, ratio: 0, rate_limited: 0 };
  new Counter({
    name: 'attribution_trace_roots_total',
    help: 'New traces by sampling decision: sampled, dropped by the ratio, dropped by the rate limit',
    labelNames: ['decision'],
    registers: [registry],
    collect() {
      for (const [decision, count] of Object.entries(rootDecisionCounts()) as Array<[RootDecision, number]>) {
        this.labels(decision).inc(count - reported[decision]);
        reported[decision] = count;
      }
    },
  });
}
