export { AppError, ConfigError, DependencyUnavailableError, isRetryable } from './errors/app-error';
export { envSchema, field, optional, optionalField, required, type EnvField, type EnvFields, type EnvOf } from './config/env-field';
export { envFields, integerField } from './config/env-fields';
export { configLoader, parseEnv, type EnvSource } from './config/parse-env';
export {
  observabilityEnvKeys,
  serviceEnvKeys,
  toObservabilityConfig,
  toServiceConfig,
  type ObservabilityConfig,
  type ObservabilityEnv,
  type ServiceConfig,
  type ServiceEnv,
} from './config/observability-env';
export { Lifecycle, type LifecycleOptions, type ShutdownPhase } from './lifecycle/lifecycle';
export { runMain } from './lifecycle/run-main';
export { runService, type ServiceContext, type ServiceDefinition } from './lifecycle/run-service';
export { checkReadiness, type ReadinessCheck, type ReadinessReport } from './ops/readiness';
export { createHttpServer, httpEnvKeys, securityHeaders, toHttpLimits, type HttpLimits } from './http/http-server';
export { parseTrustProxy } from './http/trust-proxy';
export { startOpsServer, type OpsServer, type OpsServerOptions } from './ops/ops-server';
export { createAppMetrics, type AppMetrics, type MetricsConfig } from './metrics/metrics-registry';
export { startTracing, type BatchConfig, type Tracing, type TracingConfig } from './tracing/tracing';
export {
  SpanKind,
  SpanStatusCode,
  currentTraceparent,
  extractTraceContext,
  injectTraceHeaders,
  tracer,
  withSpan,
  type TraceHeaders,
} from './tracing/propagation';
