import { trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { setTraceIdSource } from '../logger/log-context';

export interface TracingConfig {
  enabled: boolean;
  /** OTLP/HTTP base URL (e.g. http://jaeger:4318); without it spans get ids but are not exported. */
  otlpEndpoint: string | null;
  sampleRatio: number;
}

export interface Tracing {
  shutdown(): Promise<void>;
}

const UNINSTRUMENTED_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * Starts OpenTelemetry for one service. It must run before express, http and pg are loaded, so
 * each app's main parses its config, calls this, and only then imports the rest. The active
 * span's trace id is handed to the logger, so every log line leads to its trace.
 */
export function startTracing(serviceName: string, config: TracingConfig): Tracing {
  if (!config.enabled) return { shutdown: async () => undefined };
  const spanProcessors: SpanProcessor[] = config.otlpEndpoint
    ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }))]
    : [];
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors,
    textMapPropagator: new W3CTraceContextPropagator(),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNINSTRUMENTED_PATHS.has((req.url ?? '').split('?')[0]!),
      }),
      new ExpressInstrumentation(),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
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
