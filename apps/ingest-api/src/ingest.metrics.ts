import { Counter, Gauge, Histogram } from 'prom-client';
import type { RequestHandler } from 'express';
import type { AppMetrics } from '@attribution/runtime';

export interface IngestMetrics {
  /** Counts and times every POST /v1/events, with the tenant once it is known. */
  middleware(): RequestHandler;
  events(tenant: string, accepted: number, duplicates: number): void;
  /** A published tracking.js sent whole (200) or revalidated (304, a browser or CDN cache hit). */
  pixelServed(version: string, status: 200 | 304): void;
  outbox: {
    published(count: number): void;
    publishFailed(): void;
    pending(count: number, oldestAgeSeconds: number): void;
  };
}

/** The ingest-api's series, named as in docs/metrics.md. */
export function createIngestMetrics(metrics: AppMetrics): IngestMetrics {
  const registers = [metrics.registry];
  const requests = new Counter({ name: 'attribution_ingest_requests_total', help: 'POST /v1/events by status', labelNames: ['tenant', 'status'], registers });
  const duration = new Histogram({
    name: 'attribution_ingest_request_duration_seconds',
    help: 'POST /v1/events latency',
    labelNames: ['status'],
    buckets: [0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const payload = new Histogram({
    name: 'attribution_ingest_payload_bytes',
    help: 'Request body size',
    buckets: [256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576],
    registers,
  });
  const events = new Counter({ name: 'attribution_ingest_events_total', help: 'Events in accepted requests', labelNames: ['tenant', 'result'], registers });
  const pixel = new Counter({
    name: 'attribution_pixel_requests_total',
    help: 'tracking.js responses by published version and status',
    labelNames: ['version', 'status'],
    registers,
  });
  const pending = new Gauge({ name: 'attribution_outbox_pending_events', help: 'Events not yet confirmed by Kafka', registers });
  const oldest = new Gauge({ name: 'attribution_outbox_oldest_pending_age_seconds', help: 'Age of the oldest unpublished event', registers });
  const published = new Counter({ name: 'attribution_outbox_published_total', help: 'Events published by the relay', registers });
  const failures = new Counter({ name: 'attribution_outbox_publish_failures_total', help: 'Relay batches Kafka refused', registers });

  return {
    middleware: () => (req, res, next) => {
      if (req.method !== 'POST' || req.path !== '/v1/events') return next();
      const started = process.hrtime.bigint();
      const length = Number(req.get('content-length'));
      if (Number.isFinite(length)) payload.observe(length);
      res.once('finish', () => {
        const status = String(res.statusCode);
        const tenant = (res.locals['tenant'] as { tenantId?: string } | undefined)?.tenantId;
        requests.labels(metrics.tenant(tenant), status).inc();
        duration.labels(status).observe(Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    },
    events: (tenant, accepted, duplicates) => {
      if (accepted > 0) events.labels(metrics.tenant(tenant), 'accepted').inc(accepted);
      if (duplicates > 0) events.labels(metrics.tenant(tenant), 'duplicate').inc(duplicates);
    },
    pixelServed: (version, status) => pixel.labels(version, String(status)).inc(),
    outbox: {
      published: (count) => published.inc(count),
      publishFailed: () => failures.inc(),
      pending: (count, age) => {
        pending.set(count);
        oldest.set(age);
      },
    },
  };
}
