import Joi from 'joi';
import {
  envFields,
  observabilityEnvKeys,
  parseEnv,
  toObservabilityConfig,
  topicNames,
  type EnvSource,
  type LogLevel,
  type ObservabilityConfig,
  type ObservabilityEnv,
  type Topics,
} from '@attribution/core';
import { DEFAULT_BATCHING_CONFIG, type BatchingEventWriterConfig } from './events/batching-event-writer';

/** Every variable the ingest-api reads. The standalone runner reuses these keys. */
export const ingestEnvKeys = {
  PORT: envFields.port(8080),
  HOST: envFields.host,
  DATABASE_URL: envFields.databaseUrl.required(),
  KAFKA_BROKERS: envFields.kafkaBrokers,
  KAFKA_CLIENT_ID: envFields.kafkaClientId('ingest-api'),
  KAFKA_TOPIC_PREFIX: envFields.topicPrefix,
  KAFKA_RETRY_DELAYS_MS: envFields.retryDelaysMs,
  KAFKA_PARTITIONS: Joi.number().integer().min(1).max(1000).default(6),
  LOG_LEVEL: envFields.logLevel,
  BODY_LIMIT_BYTES: Joi.number().integer().min(1024).max(10 * 1024 * 1024).default(1024 * 1024),
  TRUST_PROXY: Joi.string().max(512).default('loopback'),
  RATE_LIMIT_PER_SECOND: Joi.number().min(0.1).max(1_000_000).default(1_000),
  RATE_LIMIT_BURST: Joi.number().integer().min(1).max(10_000_000).default(2_000),
  OUTBOX_POLL_MS: Joi.number().integer().min(10).max(60_000).default(1_000),
  OUTBOX_BATCH_SIZE: Joi.number().integer().min(1).max(5_000).default(500),
  EVENT_BATCH_WINDOW_MS: Joi.number().min(0).max(1_000).default(DEFAULT_BATCHING_CONFIG.maxWaitMs),
  EVENT_BATCH_MAX_ROWS: Joi.number().integer().min(1).max(10_000).default(DEFAULT_BATCHING_CONFIG.maxBatchRows),
  EVENT_BATCH_MAX_IN_FLIGHT: Joi.number().integer().min(1).max(100).default(DEFAULT_BATCHING_CONFIG.maxInFlightFlushes),
  EVENT_BATCH_MAX_QUEUED_ROWS: Joi.number().integer().min(1).max(1_000_000).default(DEFAULT_BATCHING_CONFIG.maxQueuedRows),
  SHUTDOWN_TIMEOUT_MS: envFields.shutdownTimeoutMs,
  ...observabilityEnvKeys,
};

export interface IngestEnv extends ObservabilityEnv {
  PORT: number;
  HOST: string;
  DATABASE_URL: string;
  KAFKA_BROKERS?: string[];
  KAFKA_CLIENT_ID: string;
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_RETRY_DELAYS_MS: number[];
  KAFKA_PARTITIONS: number;
  LOG_LEVEL: LogLevel;
  BODY_LIMIT_BYTES: number;
  TRUST_PROXY: string;
  RATE_LIMIT_PER_SECOND: number;
  RATE_LIMIT_BURST: number;
  OUTBOX_POLL_MS: number;
  OUTBOX_BATCH_SIZE: number;
  /** Optional so callers that build an env by hand get the defaults. */
  EVENT_BATCH_WINDOW_MS?: number;
  EVENT_BATCH_MAX_ROWS?: number;
  EVENT_BATCH_MAX_IN_FLIGHT?: number;
  EVENT_BATCH_MAX_QUEUED_ROWS?: number;
  SHUTDOWN_TIMEOUT_MS: number;
}

export interface IngestConfig {
  http: { port: number; host: string; bodyLimitBytes: number; trustProxy: string };
  rateLimit: { perSecond: number; burst: number };
  databaseUrl: string;
  kafka: { brokers: string[]; clientId: string } | null;
  topics: Topics;
  partitions: number;
  outbox: { pollMs: number; batchSize: number };
  /** Group commit of event inserts (see BatchingEventWriter). */
  eventBatching: BatchingEventWriterConfig;
  observability: ObservabilityConfig;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}

export function toIngestConfig(env: IngestEnv): IngestConfig {
  return {
    http: { port: env.PORT, host: env.HOST, bodyLimitBytes: env.BODY_LIMIT_BYTES, trustProxy: env.TRUST_PROXY },
    rateLimit: { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST },
    databaseUrl: env.DATABASE_URL,
    kafka: env.KAFKA_BROKERS ? { brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID } : null,
    topics: topicNames(env.KAFKA_TOPIC_PREFIX, env.KAFKA_RETRY_DELAYS_MS),
    partitions: env.KAFKA_PARTITIONS,
    outbox: { pollMs: env.OUTBOX_POLL_MS, batchSize: env.OUTBOX_BATCH_SIZE },
    eventBatching: {
      maxWaitMs: env.EVENT_BATCH_WINDOW_MS ?? DEFAULT_BATCHING_CONFIG.maxWaitMs,
      maxBatchRows: env.EVENT_BATCH_MAX_ROWS ?? DEFAULT_BATCHING_CONFIG.maxBatchRows,
      maxInFlightFlushes: env.EVENT_BATCH_MAX_IN_FLIGHT ?? DEFAULT_BATCHING_CONFIG.maxInFlightFlushes,
      maxQueuedRows: env.EVENT_BATCH_MAX_QUEUED_ROWS ?? DEFAULT_BATCHING_CONFIG.maxQueuedRows,
    },
    observability: toObservabilityConfig(env),
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  };
}

export function loadIngestConfig(source: EnvSource): IngestConfig {
  return toIngestConfig(parseEnv(Joi.object<IngestEnv>(ingestEnvKeys), source));
}
