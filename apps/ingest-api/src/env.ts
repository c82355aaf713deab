import Joi from 'joi';
import { envFields, field, integerField, configLoader, required, serviceEnvKeys, toServiceConfig, type EnvOf } from '@attribution/runtime';
import { busEnvKeys, toBusConfig } from '@attribution/transport';
import { DEFAULT_BATCHING_CONFIG as BATCHING } from './events/batching-event-writer';

/** Every variable the ingest-api reads. The standalone runner reuses these keys. */
export const ingestEnvKeys = {
  PORT: envFields.port(8080),
  /** /metrics (it carries tenant ids), /health and /ready, off the public port. */
  INGEST_OPS_PORT: envFields.port(8083),
  DATABASE_URL: required(envFields.databaseUrl),
  ...busEnvKeys('ingest-api'),
  BODY_LIMIT_BYTES: integerField(1024, 10 * 1024 * 1024, 1024 * 1024),
  TRUST_PROXY: field<string>(Joi.string().max(512).default('loopback')),
  RATE_LIMIT_PER_SECOND: field<number>(Joi.number().min(0.1).max(1_000_000).default(1_000)),
  RATE_LIMIT_BURST: integerField(1, 10_000_000, 2_000),
  OUTBOX_POLL_MS: integerField(10, 60_000, 1_000),
  OUTBOX_BATCH_SIZE: integerField(1, 5_000, 500),
  EVENT_BATCH_WINDOW_MS: field<number>(Joi.number().min(0).max(1_000).default(BATCHING.maxWaitMs)),
  EVENT_BATCH_MAX_ROWS: integerField(1, 10_000, BATCHING.maxBatchRows),
  EVENT_BATCH_MAX_IN_FLIGHT: integerField(1, 100, BATCHING.maxInFlightFlushes),
  EVENT_BATCH_MAX_QUEUED_ROWS: integerField(1, 1_000_000, BATCHING.maxQueuedRows),
  ...serviceEnvKeys,
};

export type IngestEnv = EnvOf<typeof ingestEnvKeys>;

export function toIngestConfig(env: IngestEnv) {
  return {
    http: { port: env.PORT, opsPort: env.INGEST_OPS_PORT, host: env.HOST, bodyLimitBytes: env.BODY_LIMIT_BYTES, trustProxy: env.TRUST_PROXY },
    rateLimit: { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST },
    databaseUrl: env.DATABASE_URL,
    ...toBusConfig(env),
    outbox: { pollMs: env.OUTBOX_POLL_MS, batchSize: env.OUTBOX_BATCH_SIZE },
    /** Group commit of event inserts (see BatchingEventWriter). */
    eventBatching: {
      maxWaitMs: env.EVENT_BATCH_WINDOW_MS,
      maxBatchRows: env.EVENT_BATCH_MAX_ROWS,
      maxInFlightFlushes: env.EVENT_BATCH_MAX_IN_FLIGHT,
      maxQueuedRows: env.EVENT_BATCH_MAX_QUEUED_ROWS,
    },
    ...toServiceConfig(env),
  };
}

export type IngestConfig = ReturnType<typeof toIngestConfig>;

export const loadIngestConfig = configLoader(ingestEnvKeys, toIngestConfig);
