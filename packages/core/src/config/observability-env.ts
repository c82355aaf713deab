import { envFields } from './env-fields';
import type { MetricsConfig } from '../metrics/metrics-registry';
import type { TracingConfig } from '../tracing/tracing';

/** The variables every app reads for tracing and metrics, under their standard names. */
export const observabilityEnvKeys = {
  OTEL_EXPORTER_OTLP_ENDPOINT: envFields.otelEndpoint,
  OTEL_SDK_DISABLED: envFields.otelSdkDisabled,
  OTEL_TRACES_SAMPLER_ARG: envFields.otelSampleRatio,
  METRICS_TENANT_LABEL: envFields.metricsTenantLabel,
  APP_VERSION: envFields.appVersion,
};

export interface ObservabilityEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_SDK_DISABLED: boolean;
  OTEL_TRACES_SAMPLER_ARG: number;
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
    tracing: { enabled: !env.OTEL_SDK_DISABLED, otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT ?? null, sampleRatio: env.OTEL_TRACES_SAMPLER_ARG },
    metrics: { tenantLabel: env.METRICS_TENANT_LABEL },
    version: env.APP_VERSION,
  };
}
