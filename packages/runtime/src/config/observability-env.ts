import type { EnvOf } from './env-field';
import { envFields } from './env-fields';
import type { MetricsConfig } from '../metrics/metrics-registry';
import type { TracingConfig } from '../tracing/tracing';
import { httpEnvKeys, toHttpLimits } from '../http/http-server';

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

export type ObservabilityEnv = EnvOf<typeof observabilityEnvKeys>;

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

/** What every long-running app reads besides its own variables. */
export const serviceEnvKeys = {
  HOST: envFields.host,
  LOG_LEVEL: envFields.logLevel,
  SHUTDOWN_TIMEOUT_MS: envFields.shutdownTimeoutMs,
  ...httpEnvKeys,
  ...observabilityEnvKeys,
};

export type ServiceEnv = EnvOf<typeof serviceEnvKeys>;

export function toServiceConfig(env: ServiceEnv) {
  return {
    observability: toObservabilityConfig(env),
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    httpLimits: toHttpLimits(env),
  };
}

export type ServiceConfig = ReturnType<typeof toServiceConfig>;
