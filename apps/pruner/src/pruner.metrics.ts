import { Counter, Gauge } from 'prom-client';
import type { AppMetrics } from '@attribution/runtime';

export interface PrunerMetrics {
  rowsDeleted(tenant: string, count: number): void;
  partitionsDropped(count: number): void;
  run(result: 'success' | 'failure' | 'skipped_locked', durationSeconds: number): void;
}

export function createPrunerMetrics(metrics: AppMetrics): PrunerMetrics {
  const registers = [metrics.registry];
  const deleted = new Counter({ name: 'attribution_pruner_rows_deleted_total', help: 'Events deleted by retention', labelNames: ['tenant'], registers });
  const partitions = new Counter({ name: 'attribution_pruner_partitions_dropped_total', help: 'Day partitions (events and deliveries) dropped by retention', registers });
  const duration = new Gauge({ name: 'attribution_pruner_run_duration_seconds', help: 'Duration of the last prune run', registers });
  const lastSuccess = new Gauge({ name: 'attribution_pruner_last_success_timestamp_seconds', help: 'Unix time of the last successful prune run', registers });
  const runs = new Counter({ name: 'attribution_pruner_runs_total', help: 'Prune runs by result', labelNames: ['result'], registers });
  return {
    rowsDeleted: (tenant, count) => deleted.labels(metrics.tenant(tenant)).inc(count),
    partitionsDropped: (count) => partitions.inc(count),
    run: (result, seconds) => {
      runs.labels(result).inc();
      if (result === 'skipped_locked') return;
      duration.set(seconds);
      if (result === 'success') lastSuccess.set(Date.now() / 1000);
    },
  };
}
