import Joi from 'joi';
import type { LogLevel } from '@attribution/core';
import { field, optionalField } from './env-field';

/** Shared variable definitions, so every app spells and validates them the same way. */
export const envFields = {
  port: (fallback: number) => field<number>(Joi.number().integer().min(0).max(65535).default(fallback)),
  host: field<string>(Joi.string().hostname().default('0.0.0.0')),
  logLevel: field<LogLevel>(Joi.string().valid('debug', 'info', 'warn', 'error').default('info')),
  databaseUrl: optionalField<string>(
    Joi.string()
      .uri({ scheme: ['postgres', 'postgresql'] })
      .messages({ 'string.uri': 'must be a postgres:// or postgresql:// URL', 'string.uriCustomScheme': 'must be a postgres:// or postgresql:// URL' }),
  ),
  /** false: metrics carry tenant="all" instead of each tenant's id (docs/metrics.md). */
  metricsTenantLabel: field<boolean>(Joi.boolean().default(true)),
  appVersion: field<string>(Joi.string().max(64).default('dev')),
  /** Standard OpenTelemetry variables; tracing is on, exporting only when an endpoint is set. */
  otelEndpoint: optionalField<string>(Joi.string().uri({ scheme: ['http', 'https'] })),
  otelSdkDisabled: field<boolean>(Joi.boolean().default(false)),
  otelSampleRatio: field<number>(Joi.number().min(0).max(1).default(1)),
  traceRateLimit: field<number>(Joi.number().integer().min(0).max(1_000_000).default(100)),
  // The batch span processor's OTEL_BSP_* variables, with the specification's defaults.
  otelBspMaxQueueSize: field<number>(Joi.number().integer().min(1).max(1_000_000).default(2048)),
  otelBspMaxExportBatchSize: field<number>(Joi.number().integer().min(1).max(1_000_000).default(512)),
  otelBspScheduleDelay: field<number>(Joi.number().integer().min(0).max(3_600_000).default(5000)),
  otelBspExportTimeout: field<number>(Joi.number().integer().min(1).max(3_600_000).default(30_000)),
  shutdownTimeoutMs: field<number>(Joi.number().integer().min(100).max(600_000).default(15_000)),
};

/** A whole number within [min, max], defaulting to `fallback`: the shape of most tuning knobs. */
export function integerField(min: number, max: number, fallback: number) {
  return field<number>(Joi.number().integer().min(min).max(max).default(fallback));
}
