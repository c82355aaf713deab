import type { EventRepository } from '@attribution/db';
import type { IngestMetrics } from '../ingest.metrics';

/**
 * Samples the outbox every 15 s for the "queue rejecting new jobs" alert: how many events wait
 * for Kafka and how old the oldest is. The partial index on pending rows keeps this cheap.
 */
export function watchOutbox(events: EventRepository, metrics: IngestMetrics, intervalMs = 15_000): { stop(): void } {
  const sample = () =>
    events.pendingStats().then(
      ({ pending, oldestSeconds }) => metrics.outbox.pending(pending, oldestSeconds),
      () => undefined,
    );
  void sample();
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
