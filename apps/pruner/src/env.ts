import Joi from 'joi';
import { CronExpressionParser } from 'cron-parser';
import { envFields, field, integerField, parseEnv, required, serviceEnvKeys, toServiceConfig, type EnvOf, type EnvSource } from '@attribution/runtime';

export const prunerEnvKeys = {
  PRUNER_PORT: envFields.port(8082),
  DATABASE_URL: required(envFields.databaseUrl),
  PRUNE_SCHEDULE: field<string>(
    Joi.string()
      .default('0 3 * * *')
      .custom((value: string, helpers) => {
        try {
          CronExpressionParser.parse(value, { tz: 'UTC' });
          return value;
        } catch {
          return helpers.message({ custom: 'must be a cron expression, e.g. "0 3 * * *"' });
        }
      }),
  ),
  PRUNE_BATCH_SIZE: integerField(1, 100_000, 5_000),
  PRUNE_BATCH_PAUSE_MS: integerField(0, 60_000, 0),
  ...serviceEnvKeys,
};

export type PrunerEnv = EnvOf<typeof prunerEnvKeys>;

export function toPrunerConfig(env: PrunerEnv) {
  return {
    http: { port: env.PRUNER_PORT, host: env.HOST },
    databaseUrl: env.DATABASE_URL,
    schedule: env.PRUNE_SCHEDULE,
    batchSize: env.PRUNE_BATCH_SIZE,
    batchPauseMs: env.PRUNE_BATCH_PAUSE_MS,
    ...toServiceConfig(env),
  };
}

export type PrunerConfig = ReturnType<typeof toPrunerConfig>;

export function loadPrunerConfig(source: EnvSource): PrunerConfig {
  return toPrunerConfig(parseEnv(prunerEnvKeys, source));
}
