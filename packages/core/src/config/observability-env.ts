import { envFields } from './env-fields';
import type { MetricsConfig } from '../metrics/metrics-registry';
import type { TracingConfig } from '../tracing/tracing';

/** The variables every app reads for tracing and metrics, under their standard names. */
export const observabilityEnvKeys = {
  OTEL_EXPORTER_OTLP_ENDPOINT: envFields.otelEndpoint,
  OTEL_SDK_DISABLED: envFields.otelSdkDisabled,
  OTEL_TRACES_SAMPLER_ARG: envFields.otelSampleRatio,
  TRACE_RATE_LIMIT: envFields.traceRateLimit,
  OTEL_BSP_MAX_QUEUE_SIZE: envFields.otelBspMaxQueueSize,
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: envFields.otelBspMaxExportBatchSize,
  OTEL_BSP_SCHEDULE_DELAY: envFields.otelBspScheduleDelay,
  OTEL_BSP_EXPORT_TIMEOUT: envFields.otelBspExportTimeout,
  METRICS_TENANT_LABEL: envFields.metricsTenantLabel,
  APP_VERSION: envFields.appVersion,
};

export interface ObservabilityEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_SDK_DISABLED: boolean;
  OTEL_TRACES_SAMPLER_ARG: number;
  TRACE_RATE_LIMIT: number;
  OTEL_BSP_MAX_QUEUE_SIZE: number;
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: number;
  OTEL_BSP_SCHEDULE_DELAY: number;
  OTEL_BSP_EXPORT_TIMEOUT: number;
  METRICS_TENANT_LABEL: boolean;
  APP_VERSION: string;
}

export interface ObservabilityConfig {
  tracing: TracingConfig;
  metrics: MetricsConfig;
  version: string;
}

export function toObservabilityConfig(env: ObservabilityEnv): ObservabilityConfig {
  return {
    tracing: {
      enabled: !env.OTEL_SDK_DISABLED,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
      sampleRatio: env.OTEL_TRACES_SAMPLER_ARG,
      maxTracesPerSecond: env.TRACE_RATE_LIMIT,
      batch: {
        // The SDK lowers a batch size above the queue size to it (with a warning); so do we, quietly.
        maxExportBatchSize: Math.min(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, env.OTEL_BSP_MAX_QUEUE_SIZE),
        maxQueueSize: env.OTEL_BSP_MAX_QUEUE_SIZE,
        scheduledDelayMillis: env.OTEL_BSP_SCHEDULE_DELAY,
        exportTimeoutMillis: env.OTEL_BSP_EXPORT_TIMEOUT,
      },
    },
    metrics: { tenantLabel: env.METRICS_TENANT_LABEL },
    version: env.APP_VERSION,
  };
}
