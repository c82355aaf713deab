import Joi from 'joi';
import { DEFAULT_RETRY_DELAYS_MS } from '../transport/topics';

/** Shared variable definitions, so every app spells and validates them the same way. */

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export const envFields = {
  port: (fallback: number) => Joi.number().integer().min(0).max(65535).default(fallback),

  host: Joi.string().hostname().default('0.0.0.0'),

  logLevel: Joi.string().valid('debug', 'info', 'warn', 'error').default('info'),

  databaseUrl: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .messages({ 'string.uri': 'must be a postgres:// or postgresql:// URL', 'string.uriCustomScheme': 'must be a postgres:// or postgresql:// URL' }),

  kafkaBrokers: Joi.string()
    .custom((value: string, helpers) => {
      const brokers = value.split(',').map((b) => b.trim());
      const bad = brokers.filter((b) => !HOST_PORT.test(b) || Number(b.split(':')[1]) > 65535);
      if (bad.length > 0) return helpers.message({ custom: 'must be a comma-separated list of host:port' });
      return brokers;
    })
    .messages({ 'any.custom': 'must be a comma-separated list of host:port' }),

  kafkaClientId: (fallback: string) => Joi.string().max(128).default(fallback),

  topicPrefix: Joi.string()
    .pattern(/^[A-Za-z0-9._-]*$/)
    .allow('')
    .default('')
    .messages({ 'string.pattern.base': 'may only contain letters, digits, ".", "_" and "-"' }),

  /** Delays of the retry tier topics, shortest first; every app must use the same list. */
  retryDelaysMs: Joi.string()
    // Joi does not run custom rules on defaults, so the default is already the parsed list.
    .default(() => [...DEFAULT_RETRY_DELAYS_MS])
    .custom((value: string, helpers) => {
      const delays = value.split(',').map((d) => Number(d.trim()));
      const ok = delays.length > 0 && delays.every((d, i) => Number.isInteger(d) && d >= 10 && (i === 0 || d > delays[i - 1]!));
      return ok ? delays : helpers.message({ custom: 'must be increasing whole milliseconds, comma-separated' });
    }),

  /** false: metrics carry tenant="all" instead of each tenant's id (docs/metrics.md). */
  metricsTenantLabel: Joi.boolean().default(true),

  appVersion: Joi.string().max(64).default('dev'),

  /** Standard OpenTelemetry variables; tracing is on, exporting only when an endpoint is set. */
  otelEndpoint: Joi.string().uri({ scheme: ['http', 'https'] }),
  otelSdkDisabled: Joi.boolean().default(false),
  otelSampleRatio: Joi.number().min(0).max(1).default(1),
  traceRateLimit: Joi.number().integer().min(0).max(1_000_000).default(100),
  // The batch span processor's OTEL_BSP_* variables, with the specification's defaults.
  otelBspMaxQueueSize: Joi.number().integer().min(1).max(1_000_000).default(2048),
  otelBspMaxExportBatchSize: Joi.number().integer().min(1).max(1_000_000).default(512),
  otelBspScheduleDelay: Joi.number().integer().min(0).max(3_600_000).default(5000),
  otelBspExportTimeout: Joi.number().integer().min(1).max(3_600_000).default(30_000),

  shutdownTimeoutMs: Joi.number().integer().min(100).max(600_000).default(15_000),
};
