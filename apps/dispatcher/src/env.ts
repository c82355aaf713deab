import Joi from 'joi';
import {
  DEFAULT_SESSION_TIMEOUT_MS,
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

export const dispatcherEnvKeys = {
  DISPATCHER_PORT: envFields.port(8081),
  HOST: envFields.host,
  DATABASE_URL: envFields.databaseUrl.required(),
  KAFKA_BROKERS: envFields.kafkaBrokers,
  KAFKA_CLIENT_ID: envFields.kafkaClientId('dispatcher'),
  KAFKA_TOPIC_PREFIX: envFields.topicPrefix,
  KAFKA_RETRY_DELAYS_MS: envFields.retryDelaysMs,
  KAFKA_PARTITIONS: Joi.number().integer().min(1).max(1000).default(6),
  /** Defaults to `<KAFKA_TOPIC_PREFIX>dispatcher`: environments sharing a cluster never share a group. */
  DISPATCHER_GROUP_ID: Joi.string().max(128),
  META_GRAPH_URL: Joi.string().uri({ scheme: ['http', 'https'] }).default('https://graph.facebook.com/v25.0'),
  GA4_MP_URL: Joi.string().uri({ scheme: ['http', 'https'] }).default('https://www.google-analytics.com/mp/collect'),
  DESTINATION_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(5_000),
  DISPATCH_TENANT_CONCURRENCY: Joi.number().integer().min(1).max(256).default(8),
  DISPATCH_LINGER_MS: Joi.number().integer().min(0).max(5_000).default(100),
  DISPATCH_PARTITIONS_CONCURRENTLY: Joi.number().integer().min(1).max(64).default(3),
  // The broker refuses sessions outside group.min/max.session.timeout.ms (6 s and 30 min by default).
  DISPATCH_SESSION_TIMEOUT_MS: Joi.number().integer().min(6_000).max(300_000).default(DEFAULT_SESSION_TIMEOUT_MS),
  CREDENTIALS_KEY: Joi.string()
    .pattern(/^[A-Za-z0-9+/=_-]{43,88}$/)
    .required()
    .messages({ 'string.pattern.base': 'must be a 32-byte key, base64 or hex encoded' }),
  LOG_LEVEL: envFields.logLevel,
  SHUTDOWN_TIMEOUT_MS: envFields.shutdownTimeoutMs,
  ...observabilityEnvKeys,
};

export interface DispatcherEnv extends ObservabilityEnv {
  DISPATCHER_PORT: number;
  HOST: string;
  DATABASE_URL: string;
  KAFKA_BROKERS?: string[];
  KAFKA_CLIENT_ID: string;
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_RETRY_DELAYS_MS: number[];
  KAFKA_PARTITIONS: number;
  DISPATCHER_GROUP_ID?: string;
  META_GRAPH_URL: string;
  GA4_MP_URL: string;
  DESTINATION_TIMEOUT_MS: number;
  DISPATCH_TENANT_CONCURRENCY: number;
  DISPATCH_LINGER_MS: number;
  DISPATCH_PARTITIONS_CONCURRENTLY: number;
  DISPATCH_SESSION_TIMEOUT_MS: number;
  CREDENTIALS_KEY: string;
  LOG_LEVEL: LogLevel;
  SHUTDOWN_TIMEOUT_MS: number;
}

export interface DispatcherConfig {
  http: { port: number; host: string };
  databaseUrl: string;
  kafka: { brokers: string[]; clientId: string } | null;
  topics: Topics;
  partitions: number;
  groupId: string;
  tenantConcurrency: number;
  consumer: { lingerMs: number; partitionsConcurrently: number; sessionTimeoutMs: number };
  destinations: { metaGraphUrl: string; ga4Url: string; timeoutMs: number };
  credentialsKey: string;
  observability: ObservabilityConfig;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}

export function toDispatcherConfig(env: DispatcherEnv): DispatcherConfig {
  return {
    http: { port: env.DISPATCHER_PORT, host: env.HOST },
    databaseUrl: env.DATABASE_URL,
    kafka: env.KAFKA_BROKERS ? { brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID } : null,
    topics: topicNames(env.KAFKA_TOPIC_PREFIX, env.KAFKA_RETRY_DELAYS_MS),
    partitions: env.KAFKA_PARTITIONS,
    groupId: env.DISPATCHER_GROUP_ID ?? `${env.KAFKA_TOPIC_PREFIX}dispatcher`,
    tenantConcurrency: env.DISPATCH_TENANT_CONCURRENCY,
    consumer: {
      lingerMs: env.DISPATCH_LINGER_MS,
      partitionsConcurrently: env.DISPATCH_PARTITIONS_CONCURRENTLY,
      sessionTimeoutMs: env.DISPATCH_SESSION_TIMEOUT_MS,
    },
    destinations: { metaGraphUrl: env.META_GRAPH_URL.replace(/\/$/, ''), ga4Url: env.GA4_MP_URL, timeoutMs: env.DESTINATION_TIMEOUT_MS },
    credentialsKey: env.CREDENTIALS_KEY,
    observability: toObservabilityConfig(env),
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  };
}

export function loadDispatcherConfig(source: EnvSource): DispatcherConfig {
  return toDispatcherConfig(parseEnv(Joi.object<DispatcherEnv>(dispatcherEnvKeys), source));
}
