import { trace } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { processContextManager, setTraceIdSource } from '@attribution/core';

export interface TracingConfig {
  enabled: boolean;
  /** OTLP/HTTP base URL (e.g. http://jaeger:4318); without it spans get ids but are not exported. */
  otlpEndpoint: string | null;
  sampleRatio: number;
  /** New traces per second per process at most (0 or absent: no limit); see createSampler. */
  maxTracesPerSecond?: number;
  /** The batch span processor's limits (OTEL_BSP_*); the SDK's defaults where absent. */
  batch?: BatchConfig;
}

export interface BatchConfig {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry for one service. It must run before express, http and pg are loaded, so
 * each app's main parses its config, calls this, and only then imports the rest. The active
 * span's trace id is handed to the logger, so every log line leads to its trace.
 */
export function startTracing(serviceName: string, config: TracingConfig): Tracing {
  if (!config.enabled) return { shutdown: async () => undefined };
  // Required here, not at import: the SDK is heavy and only service mains need it; synchronous,
  // so a `--require` preload can start tracing before anything else loads.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { createSampler } = require('./rate-limited-sampler') as typeof import('./rate-limited-sampler');
  /* eslint-enable @typescript-eslint/no-require-imports */
  // OTLP/HTTP with protobuf bodies: about a third of the bytes of the JSON encoding to build and
  // send for every batch, and what Jaeger, the Collector and every OTLP backend accept on /v1/traces.
  const spanProcessors: SpanProcessor[] = config.otlpEndpoint
    ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }), config.batch)]
    : [];
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors,
    // Metrics are Prometheus' job (prom-client) and logs go to stdout: without these two empty
    // lists the SDK would also record OTel metrics on every request and export metrics and logs
    // over OTLP, which cost throughput for data nobody reads.
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new W3CTraceContextPropagator(),
    // The process' one AsyncLocalStorage context manager, installed by the logger (log-context.ts).
    contextManager: processContextManager,
    sampler: createSampler({ ratio: config.sampleRatio, maxPerSecond: config.maxTracesPerSecond ?? 0 }),
    // No HTTP or Express instrumentation: the ingest-api opens its request span itself (its
    // trace-context middleware), at a fraction of their cost (docs/benchmarks.md), and our services
    // make no outgoing node:http calls (destination calls use fetch, with spans of their own).
    instrumentations: [
      // Queries outside a traced operation (relay polling, LISTEN, pool housekeeping) would each
      // start a one-span trace of their own.
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    ],
  });
  sdk.start();
  setTraceIdSource(() => {
    const context = trace.getActiveSpan()?.spanContext();
    return context && trace.isSpanContextValid(context) ? context.traceId : undefined;
  });
  return {
    shutdown: async () => {
      setTraceIdSource(undefined);
      await sdk.shutdown();
    },
  };
}
