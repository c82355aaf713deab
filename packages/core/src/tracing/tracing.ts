import { trace } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
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
export async function startTracing(serviceName: string, config: TracingConfig): Promise<Tracing> {
  if (!config.enabled) return { shutdown: async () => undefined };
  // Loaded here, not at import: the SDK is heavy, and only service mains need it.
  const [{ W3CTraceContextPropagator }, { OTLPTraceExporter }, { ExpressInstrumentation }, { HttpInstrumentation }, { PgInstrumentation }, { NodeSDK }, sdkTrace] =
    await Promise.all([
      import('@opentelemetry/core'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/instrumentation-express'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-pg'),
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/sdk-trace-base'),
    ]);
  const { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } = sdkTrace;
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
