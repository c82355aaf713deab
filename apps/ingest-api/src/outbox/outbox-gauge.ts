import type { PrismaClient } from '@attribution/db';
import type { IngestMetrics } from '../ingest.metrics';

/**
 * Samples the outbox every 15 s for the "queue rejecting new jobs" alert: how many events wait
 * for Kafka and how old the oldest is. The partial index on pending rows keeps this cheap.
 */
export function watchOutbox(db: PrismaClient, metrics: IngestMetrics, intervalMs = 15_000): { stop(): void } {
  const sample = () =>
    db.$queryRaw<Array<{ pending: bigint; oldest: number | null }>>`
      SELECT count(*) AS pending, EXTRACT(EPOCH FROM now() - min(received_at))::float8 AS oldest
      FROM events WHERE publish_state = 'pending'`.then(
      ([row]) => metrics.outbox.pending(Number(row?.pending ?? 0), Math.max(0, row?.oldest ?? 0)),
      () => undefined,
    );
  void sample();
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
