import Joi from 'joi';
import { CronExpressionParser } from 'cron-parser';
import { envFields, observabilityEnvKeys, parseEnv, toObservabilityConfig, type EnvSource, type LogLevel, type ObservabilityConfig, type ObservabilityEnv } from '@attribution/core';

export const prunerEnvKeys = {
  PRUNER_PORT: envFields.port(8082),
  HOST: envFields.host,
  DATABASE_URL: envFields.databaseUrl.required(),
  PRUNE_SCHEDULE: Joi.string()
    .default('0 3 * * *')
    .custom((value: string, helpers) => {
      try {
        CronExpressionParser.parse(value, { tz: 'UTC' });
        return value;
      } catch {
        return helpers.message({ custom: 'must be a cron expression, e.g. "0 3 * * *"' });
      }
    }),
  PRUNE_BATCH_SIZE: Joi.number().integer().min(1).max(100_000).default(5_000),
  PRUNE_BATCH_PAUSE_MS: Joi.number().integer().min(0).max(60_000).default(0),
  ...observabilityEnvKeys,
  LOG_LEVEL: envFields.logLevel,
  SHUTDOWN_TIMEOUT_MS: envFields.shutdownTimeoutMs,
};

export interface PrunerEnv extends ObservabilityEnv {
  PRUNER_PORT: number;
  HOST: string;
  DATABASE_URL: string;
  PRUNE_SCHEDULE: string;
  PRUNE_BATCH_SIZE: number;
  PRUNE_BATCH_PAUSE_MS: number;
  LOG_LEVEL: LogLevel;
  SHUTDOWN_TIMEOUT_MS: number;
}

export interface PrunerConfig {
  http: { port: number; host: string };
  databaseUrl: string;
  schedule: string;
  batchSize: number;
  batchPauseMs: number;
  observability: ObservabilityConfig;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}

export function toPrunerConfig(env: PrunerEnv): PrunerConfig {
  return {
    http: { port: env.PRUNER_PORT, host: env.HOST },
    databaseUrl: env.DATABASE_URL,
    schedule: env.PRUNE_SCHEDULE,
    batchSize: env.PRUNE_BATCH_SIZE,
    batchPauseMs: env.PRUNE_BATCH_PAUSE_MS,
    observability: toObservabilityConfig(env),
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  };
}

export function loadPrunerConfig(source: EnvSource): PrunerConfig {
  return toPrunerConfig(parseEnv(Joi.object<PrunerEnv>(prunerEnvKeys), source));
}
